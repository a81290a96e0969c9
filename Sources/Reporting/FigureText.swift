// Text in figures: a chart lays its labels out once as `ChartText` (position, size, anchor,
// rotation), and the SVG writes them as <text>; the PNGs are rendered from that SVG
// (RenderPNG.swift), so both show the same labels in the same font.

/// Where a text's anchor point sits along the text, as SVG's text-anchor.
public enum TextAnchor: String, Sendable, Equatable { case start, middle, end }

/// One label of a figure. (x, y) is the anchor point on the baseline (SVG's convention);
/// `rotated` turns the text -90° about that point, to read bottom to top (y-axis titles).
public struct ChartText: Sendable, Equatable {
    public var text: String
    public var x: Double, y: Double
    public var size: Double
    public var anchor: TextAnchor
    public var rotated: Bool

    public init(_ text: String, x: Double, y: Double, size: Double = 11, anchor: TextAnchor = .start, rotated: Bool = false) {
        self.text = text; self.x = x; self.y = y; self.size = size; self.anchor = anchor; self.rotated = rotated
    }
}

extension SVGDocument {
    public mutating func text(_ t: ChartText) {
        text(t.text, x: t.x, y: t.y, size: t.size, anchor: t.anchor.rawValue, rotate: t.rotated ? -90 : nil)
    }
}

/// `s` cut to at most `characters` characters, the last of a cut one being '…'.
public func truncated(_ s: String, characters: Int) -> String {
    guard s.count > characters else { return s }
    return characters <= 0 ? "" : String(s.prefix(characters - 1)) + "…"
}
