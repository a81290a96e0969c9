// Tests for the built-in bitmap font: every printable ASCII character has its own glyph inside
// the 5 × 8 box, the extra symbols and aliases are there, and anything else is the replacement box.
import Testing
@testable import Reporting

@Suite struct BitmapFontTests {
    let ascii = (32...126).map { Character(Unicode.Scalar(UInt8($0))) }

    @Test func coversPrintableASCIIWithDistinctGlyphs() {
        for ch in ascii {
            #expect(BitmapFont.glyphs[ch] != nil, "no glyph for '\(ch)'")
            #expect(BitmapFont.covers(ch))
        }
        let bitmaps = ascii.map { BitmapFont.rows(for: $0) }
        #expect(Set(bitmaps).count == ascii.count)                       // no two characters look the same
        #expect(!bitmaps.contains(BitmapFont.replacement))
        for (ch, rows) in zip(ascii, bitmaps) {
            #expect(rows.count == BitmapFont.glyphHeight)
            #expect(rows.allSatisfy { $0 < 1 << BitmapFont.glyphWidth }, "'\(ch)' wider than \(BitmapFont.glyphWidth)")
            #expect((rows.reduce(0, |) == 0) == (ch == " "), "'\(ch)' blank or space inked")
        }
    }

    @Test func extraSymbolsAndAliases() {
        for ch: Character in ["×", "…", "␣", "⏎"] {
            let rows = BitmapFont.rows(for: ch)
            #expect(BitmapFont.glyphs[ch] != nil && rows != BitmapFont.replacement && rows.contains { $0 != 0 })
            #expect(!ascii.map { BitmapFont.rows(for: $0) }.contains(rows), "'\(ch)' looks like an ASCII character")
        }
        #expect(BitmapFont.rows(for: "␣") != BitmapFont.rows(for: "_"))
        for dash: Character in ["—", "–", "−"] {
            #expect(BitmapFont.rows(for: dash) == BitmapFont.rows(for: "-") && BitmapFont.covers(dash))
        }
    }

    @Test func unknownCharactersGetTheReplacementBox() {
        for ch: Character in ["中", "é", "\t", "😀", "Ġ"] {
            #expect(!BitmapFont.covers(ch))
            #expect(BitmapFont.rows(for: ch) == BitmapFont.replacement)
        }
        // A hollow box over the cap height: full top and bottom rows, sides only between.
        let full: UInt8 = (1 << BitmapFont.glyphWidth) - 1, sides: UInt8 = 1 << (BitmapFont.glyphWidth - 1) | 1
        #expect(BitmapFont.replacement == [full] + Array(repeating: sides, count: BitmapFont.ascent - 2) + [full, 0])
    }

    @Test func widthIsOneAdvancePerCharacter() {
        #expect(BitmapFont.width("", scale: 1) == 0)
        #expect(BitmapFont.width("abc", scale: 1) == 3 * BitmapFont.advance)
        #expect(BitmapFont.width("a×⏎中", scale: 2) == 4 * BitmapFont.advance * 2)
    }
}
