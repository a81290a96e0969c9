// The built-in bitmap font of the PNG figures (the rasteriser has no other source of text):
// printable ASCII 32–126 plus a few symbols the figures use, each a 5 × 8 glyph drawn below
// as a sheet ('#' = ink), 6 pixels of advance, scaled by whole numbers (1×, 2×). A character
// without a glyph draws as a hollow box (never dropped), so a missing glyph shows in the figure.

/// A fixed-width 5 × 8 pixel font. Rows 0–6 hold capitals and digits (row 6 sits on the
/// baseline), lower case spans rows 2–6, and row 7 is the descender (g j p q y , _ |).
public enum BitmapFont {
    public static let glyphWidth = 5, glyphHeight = 8
    /// Rows above the baseline (the cap height); the rest of the glyph hangs below it.
    public static let ascent = 7
    /// Horizontal step between characters, one column of space included.
    public static let advance = 6

    /// Characters drawn with another character's glyph, on purpose:
    /// the dashes '—' (em), '–' (en) and '−' (minus sign) all draw as '-'.
    public static let aliases: [Character: Character] = ["—": "-", "–": "-", "−": "-"]

    /// The glyph of a character without one: a hollow box over the cap height.
    public static let replacement: [UInt8] = parseRows(["#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####", "....."])

    /// Glyph rows (bit 4 = leftmost column, bit 0 = rightmost), `glyphHeight` per character.
    public static let glyphs: [Character: [UInt8]] = {
        var table: [Character: [UInt8]] = [:]
        for band in sheet {
            let chars = Array(band.characters)
            let cells = band.rows.map { $0.split(separator: " ").map(String.init) }
            precondition(cells.count == glyphHeight && cells.allSatisfy { $0.count == chars.count },
                         "BitmapFont sheet: band \"\(band.characters)\" needs \(glyphHeight) rows of \(chars.count) glyphs")
            for (i, ch) in chars.enumerated() {
                precondition(table[ch] == nil, "BitmapFont sheet: '\(ch)' drawn twice")
                table[ch] = parseRows(cells.map { $0[i] })
            }
        }
        return table
    }()

    /// The rows to draw for `ch`: its glyph, its alias's glyph, or the replacement box.
    public static func rows(for ch: Character) -> [UInt8] {
        glyphs[ch] ?? aliases[ch].flatMap { glyphs[$0] } ?? replacement
    }

    /// Whether `ch` draws as itself or an alias (not as the replacement box).
    public static func covers(_ ch: Character) -> Bool { glyphs[ch] != nil || aliases[ch].flatMap { glyphs[$0] } != nil }

    /// Width in pixels of `s` at `scale`: one advance per character (grapheme cluster).
    public static func width(_ s: String, scale: Int = 1) -> Int { s.count * advance * scale }

    private static func parseRows(_ rows: [String]) -> [UInt8] {
        rows.map { row in
            precondition(row.count == glyphWidth && row.allSatisfy { $0 == "#" || $0 == "." }, "BitmapFont sheet: bad glyph row \"\(row)\"")
            return row.reduce(UInt8(0)) { $0 << 1 | ($1 == "#" ? 1 : 0) }
        }
    }

    private struct Band {
        let characters: String, rows: [String]
        init(_ characters: String, _ rows: [String]) { self.characters = characters; self.rows = rows }
    }

    // MARK: - The sheet
    // Each band names its characters, then draws them side by side, one glyph row per line.
    // ASCII 32–126 in order, twelve to a band; the last band holds the extra symbols:
    // '×' (in titles: "positions × dims"), '…' (the ellipsis of truncated labels: three dots in
    // one cell), '␣' (a visible space, a small open box lower than '_') and '⏎' (a newline token).
    private static let sheet: [Band] = [
        Band(" !\"#$%&'()*+", [
            "..... ..#.. .#.#. .#.#. ..#.. ##... .##.. ..#.. ...#. .#... ..... .....",
            "..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#.. ..#.. ..#.. ..#.. ..#..",
            "..... ..#.. ..... ##### #.#.. ...#. #.#.. ..... .#... ...#. #.#.# ..#..",
            "..... ..#.. ..... .#.#. .###. ..#.. .#... ..... .#... ...#. .###. #####",
            "..... ..#.. ..... ##### ..#.# .#... #.#.# ..... .#... ...#. #.#.# ..#..",
            "..... ..... ..... .#.#. ####. #..## #..#. ..... ..#.. ..#.. ..#.. ..#..",
            "..... ..#.. ..... .#.#. ..#.. ...## .##.# ..... ...#. .#... ..... .....",
            "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
        ]),
        Band(",-./01234567", [
            "..... ..... ..... ..... .###. ..#.. .###. ##### ...#. ##### ..##. #####",
            "..... ..... ..... ....# #...# .##.. #...# ...#. ..##. #.... .#... ....#",
            "..... ..... ..... ...#. #..## ..#.. ....# ..#.. .#.#. ####. #.... ...#.",
            "..... .###. ..... ..#.. #.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#..",
            "..... ..... ..... .#... ##..# ..#.. ..#.. ....# ##### ....# #...# .#...",
            ".##.. ..... .##.. #.... #...# ..#.. .#... #...# ...#. #...# #...# .#...",
            "..#.. ..... .##.. ..... .###. .###. ##### .###. ...#. .###. .###. .#...",
            ".#... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
        ]),
        Band("89:;<=>?@ABC", [
            ".###. .###. ..... ..... ...#. ..... .#... .###. .###. .###. ####. .###.",
            "#...# #...# .##.. .##.. ..#.. ..... ..#.. #...# #...# #...# #...# #...#",
            "#...# #...# .##.. .##.. .#... ##### ...#. ....# ....# #...# #...# #....",
            ".###. .#### ..... ..... #.... ..... ....# ...#. .##.# ##### ####. #....",
            "#...# ....# .##.. .##.. .#... ##### ...#. ..#.. #.#.# #...# #...# #....",
            "#...# ...#. .##.. ..#.. ..#.. ..... ..#.. ..... #.#.# #...# #...# #...#",
            ".###. .##.. ..... .#... ...#. ..... .#... ..#.. .###. #...# ####. .###.",
            "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
        ]),
        Band("DEFGHIJKLMNO", [
            "###.. ##### ##### .###. #...# .###. ..### #...# #.... #...# #...# .###.",
            "#..#. #.... #.... #...# #...# ..#.. ...#. #..#. #.... ##.## #...# #...#",
            "#...# #.... #.... #.... #...# ..#.. ...#. #.#.. #.... #.#.# ##..# #...#",
            "#...# ####. ####. #.### ##### ..#.. ...#. ##... #.... #.#.# #.#.# #...#",
            "#...# #.... #.... #...# #...# ..#.. ...#. #.#.. #.... #...# #..## #...#",
            "#..#. #.... #.... #...# #...# ..#.. #..#. #..#. #.... #...# #...# #...#",
            "###.. ##### #.... .#### #...# .###. .##.. #...# ##### #...# #...# .###.",
            "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
        ]),
        Band("PQRSTUVWXYZ[", [
            "####. .###. ####. .#### ##### #...# #...# #...# #...# #...# ##### .###.",
            "#...# #...# #...# #.... ..#.. #...# #...# #...# #...# #...# ....# .#...",
            "#...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. .#.#. ...#. .#...",
            "####. #...# ####. .###. ..#.. #...# #...# #.#.# ..#.. ..#.. ..#.. .#...",
            "#.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.# .#.#. ..#.. .#... .#...",
            "#.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.# #...# ..#.. #.... .#...",
            "#.... .##.# #...# ####. ..#.. .###. ..#.. .#.#. #...# ..#.. ##### .###.",
            "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
        ]),
        Band("\\]^_`abcdefg", [
            "..... .###. ..#.. ..... .#... ..... #.... ..... ....# ..... ..##. .....",
            "#.... ...#. .#.#. ..... ..#.. ..... #.... ..... ....# ..... .#..# .....",
            ".#... ...#. #...# ..... ..... .###. ####. .###. .#### .###. .#... .####",
            "..#.. ...#. ..... ..... ..... ....# #...# #.... #...# #...# ###.. #...#",
            "...#. ...#. ..... ..... ..... .#### #...# #.... #...# ##### .#... #...#",
            "....# ...#. ..... ..... ..... #...# #...# #...# #...# #.... .#... .####",
            "..... .###. ..... ..... ..... .#### ####. .###. .#### .###. .#... ....#",
            "..... ..... ..... ##### ..... ..... ..... ..... ..... ..... ..... .###.",
        ]),
        Band("hijklmnopqrs", [
            "#.... ..#.. ...#. #.... .##.. ..... ..... ..... ..... ..... ..... .....",
            "#.... ..... ..... #.... ..#.. ..... ..... ..... ..... ..... ..... .....",
            "#.##. .##.. ..##. #..#. ..#.. ##.#. #.##. .###. ####. .#### #.##. .####",
            "##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..# #...# #...# #...# ##..# #....",
            "#...# ..#.. ...#. ##... ..#.. #.#.# #...# #...# #...# #...# #.... .###.",
            "#...# ..#.. ...#. #.#.. ..#.. #.#.# #...# #...# ####. .#### #.... ....#",
            "#...# .###. #..#. #..#. .###. #.#.# #...# .###. #.... ....# #.... ####.",
            "..... ..... .##.. ..... ..... ..... ..... ..... #.... ....# ..... .....",
        ]),
        Band("tuvwxyz{|}~", [
            ".#... ..... ..... ..... ..... ..... ..... ...#. ..#.. .#... .....",
            ".#... ..... ..... ..... ..... ..... ..... ..#.. ..#.. ..#.. .....",
            "###.. #...# #...# #...# #...# #...# ##### ..#.. ..#.. ..#.. .#...",
            ".#... #...# #...# #...# .#.#. #...# ...#. .#... ..#.. ...#. #.#.#",
            ".#... #...# #...# #.#.# ..#.. #...# ..#.. ..#.. ..#.. ..#.. ...#.",
            ".#..# #..## .#.#. #.#.# .#.#. .#### .#... ..#.. ..#.. ..#.. .....",
            "..##. .##.# ..#.. .#.#. #...# ....# ##### ...#. ..#.. .#... .....",
            "..... ..... ..... ..... ..... .###. ..... ..... ..#.. ..... .....",
        ]),
        Band("×…␣⏎", [
            "..... ..... ..... ....#",
            "#...# ..... ..... ....#",
            ".#.#. ..... ..... ..#.#",
            "..#.. ..... ..... .##.#",
            ".#.#. ..... ..... #####",
            "#...# ..... #...# .##..",
            "..... #.#.# ##### ..#..",
            "..... ..... ..... .....",
        ]),
    ]
}
