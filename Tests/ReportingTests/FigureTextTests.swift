// Tests for figure text: drawn pixels stay inside the text's box, the box follows the anchor,
// scale and rotation, unknown characters draw the replacement box, and labels that would leave
// the image are cut to end in '…'.
import Testing
@testable import Reporting

/// The (x, y) of every pixel that is not the background.
func inked(_ img: Image, background: RGB = RGB(255, 255, 255)) -> [(x: Int, y: Int)] {
    var out: [(x: Int, y: Int)] = []
    for y in 0..<img.height { for x in 0..<img.width where img.pixel(x, y) != background { out.append((x, y)) } }
    return out
}

@Suite struct FigureTextTests {
    @Test(arguments: [TextAnchor.start, .middle, .end], [1, 2])
    func pixelsStayInsideTheBox(anchor: TextAnchor, scale: Int) {
        let s = "Ag|y_0@"
        for rotated in [false, true] {
            var img = Image(width: 200, height: 200)
            img.drawText(s, x: 100, y: 100, scale: scale, anchor: anchor, rotated: rotated)
            let box = textBox(s, x: 100, y: 100, scale: scale, anchor: anchor, rotated: rotated)
            let along = s.count * BitmapFont.advance * scale, across = BitmapFont.glyphHeight * scale
            #expect(rotated ? (box.width == across && box.height == along) : (box.width == along && box.height == across))
            let ink = inked(img)
            #expect(!ink.isEmpty)
            #expect(ink.allSatisfy { box.contains($0.x, $0.y) }, "\(anchor) \(scale)× rotated \(rotated)")
            // The ink reaches the box's edges: 'A' starts in column 0 and row 0, '@' ends in column 4
            // of the last cell (the advance's spare column stays blank), '|' and '_' reach row 7.
            if !rotated {
                #expect(ink.map(\.x).min() == box.x && ink.map(\.x).max() == box.x + box.width - scale - 1)
                #expect(ink.map(\.y).min() == box.y && ink.map(\.y).max() == box.y + box.height - 1)
            }
        }
    }

    @Test func anchorsPlaceTheBox() {
        let s = "abcd", w = 4 * BitmapFont.advance
        #expect(textBox(s, x: 50, y: 30, anchor: .start) == PixelRect(x: 50, y: 30 - BitmapFont.ascent, width: w, height: BitmapFont.glyphHeight))
        #expect(textBox(s, x: 50, y: 30, anchor: .middle).x == 50 - w / 2)
        #expect(textBox(s, x: 50, y: 30, anchor: .end).x == 50 - w)
        // Rotated -90°: the text runs upwards from the anchor; the baseline becomes a vertical line at x.
        let r = textBox(s, x: 50, y: 30, scale: 2, anchor: .start, rotated: true)
        #expect(r == PixelRect(x: 50 - 2 * BitmapFont.ascent, y: 30 - 2 * w, width: 2 * BitmapFont.glyphHeight, height: 2 * w))
        #expect(textBox(s, x: 50, y: 30, anchor: .end, rotated: true).y == 30)
    }

    @Test func glyphPixelsMatchTheTable() {
        var img = Image(width: 20, height: 20)
        img.drawText("E", x: 3, y: 16, scale: 2, colour: RGB(1, 2, 3))
        let rows = BitmapFont.rows(for: "E")
        for r in 0..<BitmapFont.glyphHeight {
            for c in 0..<BitmapFont.glyphWidth {
                let on = rows[r] & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0
                for d in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let p = img.pixel(3 + 2 * c + d.0, 16 - 2 * BitmapFont.ascent + 2 * r + d.1)
                    #expect(p == (on ? RGB(1, 2, 3) : RGB(255, 255, 255)))
                }
            }
        }
    }

    @Test func unknownCharacterDrawsTheReplacementBox() {
        var a = Image(width: 12, height: 12), b = Image(width: 12, height: 12)
        a.drawText("中", x: 2, y: 9)
        for (r, bits) in BitmapFont.replacement.enumerated() {
            for c in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0 { b.set(2 + c, 2 + r, RGB(0, 0, 0)) }
        }
        #expect(a == b)
        #expect(inked(a).count == 2 * 5 + 2 * 5)                       // the outline of a 5 × 7 box
    }

    @Test func truncationEndsInEllipsis() {
        #expect(truncated("abcdef", characters: 6) == "abcdef")
        #expect(truncated("abcdef", characters: 4) == "abc…")
        #expect(truncated("abcdef", characters: 0) == "")
    }

    @Test func labelsFitTheImage() {
        // A title-size label that fits at 2× is drawn at 2×; one that does not falls back to 1×, then is cut.
        var big = Image(width: 200, height: 30)
        big.draw(ChartText("Title", x: 100, y: 20, size: 14, anchor: .middle))
        #expect(inked(big).allSatisfy { textBox("Title", x: 100, y: 20, scale: 2, anchor: .middle).contains($0.x, $0.y) })
        #expect(inked(big).map(\.x).max()! - inked(big).map(\.x).min()! > BitmapFont.width("Title", scale: 1))
        var small = Image(width: 60, height: 30)
        let long = String(repeating: "W", count: 40)
        small.draw(ChartText(long, x: 0, y: 20, size: 14))
        var want = Image(width: 60, height: 30)
        want.drawText(String(repeating: "W", count: 9) + "…", x: 0, y: 20)
        #expect(small == want)
        // maxWidth limits a label inside a cell.
        var cell = Image(width: 100, height: 20)
        cell.draw(ChartText("abcdefghij", x: 50, y: 15, anchor: .middle, maxWidth: 30))
        #expect(inked(cell).allSatisfy { $0.x >= 35 && $0.x < 65 })
    }
}
