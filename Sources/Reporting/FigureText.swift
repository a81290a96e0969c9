// Text in figures, shared by both renderers: a chart lays its labels out once as `ChartText`
// (position, size, anchor, rotation); the SVG writes them as <text>, the rasteriser draws them
// with the built-in `BitmapFont`. The raster side picks a whole-number scale for the size and
// cuts text that would leave the image (or its `maxWidth`) to fit, ending it with '…'.

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
    /// Room the raster may use along the text (e.g. a cell's width); nil = up to the image edge.
    public var maxWidth: Double?

    public init(_ text: String, x: Double, y: Double, size: Double = 11, anchor: TextAnchor = .start,
                rotated: Bool = false, maxWidth: Double? = nil) {
        self.text = text; self.x = x; self.y = y; self.size = size; self.anchor = anchor
        self.rotated = rotated; self.maxWidth = maxWidth
    }

    /// The bitmap font's scale for an SVG font size: 2× for title sizes (≥ 13), else 1×.
    public static func rasterScale(size: Double) -> Int { size >= 13 ? 2 : 1 }
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

/// A rectangle of pixels: columns x..<x+width, rows y..<y+height.
public struct PixelRect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int
    public func contains(_ px: Int, _ py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height }
}

/// The pixels `s` covers when drawn with its anchor point at (x, y) on the baseline: one advance
/// per character along the text (`BitmapFont.width`), the glyph height across it.
public func textBox(_ s: String, x: Int, y: Int, scale: Int = 1, anchor: TextAnchor = .start, rotated: Bool = false) -> PixelRect {
    let w = BitmapFont.width(s, scale: scale), u0 = anchorOffset(w, anchor)
    let across = BitmapFont.glyphHeight * scale, above = BitmapFont.ascent * scale
    return rotated ? PixelRect(x: x - above, y: y - u0 - w, width: across, height: w)
                   : PixelRect(x: x + u0, y: y - above, width: w, height: across)
}

/// Offset from the anchor point to the start of a text `w` pixels long.
private func anchorOffset(_ w: Int, _ anchor: TextAnchor) -> Int {
    switch anchor {
    case .start: return 0
    case .middle: return -(w / 2)
    case .end: return -w
    }
}

extension Image {
    /// Draws `s` in the bitmap font, anchor point (x, y) on the baseline, each font pixel a
    /// `scale` × `scale` square; `rotated` turns it -90° about (x, y). Pixels outside the image
    /// are clipped; every pixel set lies inside `textBox` of the same arguments.
    public mutating func drawText(_ s: String, x: Int, y: Int, scale: Int = 1, anchor: TextAnchor = .start,
                                  colour: RGB = RGB(0, 0, 0), rotated: Bool = false) {
        precondition(scale > 0, "drawText: scale \(scale) must be positive")
        let u0 = anchorOffset(BitmapFont.width(s, scale: scale), anchor)
        let v0 = -BitmapFont.ascent * scale
        for (k, ch) in s.enumerated() {
            let rows = BitmapFont.rows(for: ch)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for c in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0 {
                    let u = u0 + (k * BitmapFont.advance + c) * scale, v = v0 + r * scale
                    for sy in 0..<scale {
                        for sx in 0..<scale {
                            // Along the text is +u, down is +v; rotated, +u points up and +v right.
                            if rotated { set(x + v + sy, y - (u + sx) - 1, colour) } else { set(x + u + sx, y + v + sy, colour) }
                        }
                    }
                }
            }
        }
    }

    /// Draws a figure label: 2× for title sizes when the whole text fits, else 1×, cut with '…'
    /// to the room between its anchor and the image edge (and its `maxWidth`).
    public mutating func draw(_ t: ChartText, colour: RGB = RGB(0, 0, 0)) {
        let x = Int(t.x.rounded()), y = Int(t.y.rounded())
        let (pos, length) = t.rotated ? (height - y, height) : (x, width)   // rotated text runs up from y
        var room: Int
        switch t.anchor {
        case .start: room = length - pos
        case .middle: room = 2 * min(pos, length - pos)
        case .end: room = pos
        }
        if let m = t.maxWidth { room = min(room, Int(m.rounded(.down))) }
        var scale = ChartText.rasterScale(size: t.size)
        while scale > 1 && BitmapFont.width(t.text, scale: scale) > room { scale -= 1 }
        let s = truncated(t.text, characters: room / BitmapFont.advance)
        drawText(s, x: x, y: y, scale: scale, anchor: t.anchor, colour: colour, rotated: t.rotated)
    }
}
