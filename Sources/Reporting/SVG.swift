// The small SVG vocabulary the figures share: a document builder with fixed number formatting
// (two decimals, trailing zeros dropped, so the same figure always has the same bytes), colours,
// the default series palette, and "nice" axis ticks.

/// An sRGB colour with 8-bit channels.
public struct RGB: Sendable, Equatable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    /// "#rrggbb", lower case.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [r, g, b] { s.append(digits[Int(v >> 4)]); s.append(digits[Int(v & 15)]) }
        return s
    }
}

/// Colours for series and bar groups, in order (a colour-blind-safe set, Okabe & Ito 2008).
public let seriesPalette: [RGB] = [
    RGB(0, 114, 178), RGB(230, 159, 0), RGB(0, 158, 115), RGB(204, 121, 167),
    RGB(86, 180, 233), RGB(213, 94, 0), RGB(240, 228, 66), RGB(0, 0, 0),
]

/// A coordinate written with at most two decimals and no trailing zeros ("12", "12.5", "-0.25").
public func svgNumber(_ v: Double) -> String {
    var s = fixedDecimal(v, digits: 2)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
}

/// Builds one SVG document as text; elements are appended in drawing order.
public struct SVGDocument: Sendable {
    public let width: Double, height: Double
    public private(set) var body: [String] = []

    public init(width: Double, height: Double) { self.width = width; self.height = height }

    public mutating func raw(_ element: String) { body.append(element) }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: RGB, stroke: RGB? = nil) {
        var s = "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" fill=\"\(fill.hex)\""
        if let stroke { s += " stroke=\"\(stroke.hex)\"" }
        body.append(s + "/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: RGB, width: Double = 1) {
        body.append("<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\" stroke=\"\(stroke.hex)\" stroke-width=\"\(svgNumber(width))\"/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: RGB, width: Double = 1.5) {
        let pts = points.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(stroke.hex)\" stroke-width=\"\(svgNumber(width))\"/>")
    }

    /// Text; `anchor` is "start", "middle" or "end"; `rotate` turns it about its anchor point (degrees).
    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 11, anchor: String = "start",
                              rotate: Double? = nil, fill: RGB = RGB(0, 0, 0)) {
        var e = "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\" text-anchor=\"\(anchor)\""
        if let rotate { e += " transform=\"rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))\"" }
        if fill != RGB(0, 0, 0) { e += " fill=\"\(fill.hex)\"" }
        body.append(e + ">\(escapeHTML(s))</text>")
    }

    /// The finished document: an <svg> root with explicit size and viewBox, sans-serif text.
    public func render() -> String {
        let w = svgNumber(width), h = svgNumber(height)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"sans-serif\">\n"
            + body.joined(separator: "\n") + "\n</svg>\n"
    }
}

/// Round tick positions covering [lo, hi] with about `target` steps of 1, 2 or 5 × 10^k.
public func niceTicks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
    guard lo.isFinite, hi.isFinite else { return [] }
    if lo == hi { return [lo] }
    let (a, b) = lo < hi ? (lo, hi) : (hi, lo)
    let raw = (b - a) / Double(max(1, target))
    var magnitude = 1.0
    while magnitude * 10 <= raw { magnitude *= 10 }
    while magnitude > raw { magnitude /= 10 }
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
    var ticks: [Double] = []
    var k = (a / step).rounded(.up)
    while k * step <= b + step * 1e-9 {
        ticks.append(abs(k * step) < step * 1e-9 ? 0 : k * step)
        k += 1
    }
    return ticks
}

/// A tick label with just enough decimals for the step between ticks.
public func tickLabel(_ v: Double, step: Double) -> String {
    var digits = 0
    var s = abs(step)
    while digits < 6 && s > 0 && (s - s.rounded()).magnitude > 1e-9 * max(1, s) { s *= 10; digits += 1 }
    return fixedDecimal(v, digits: digits)
}
