// Tests for figure text: a label becomes one <text> with its anchor, size and rotation, and
// long labels are cut to end in '…'.
import Testing
@testable import Reporting

@Suite struct FigureTextTests {
    @Test func labelsBecomeSVGText() {
        var doc = SVGDocument(width: 100, height: 50)
        doc.text(ChartText("a<b", x: 10, y: 20, size: 14, anchor: .middle))
        doc.text(ChartText("up", x: 16, y: 40, anchor: .end, rotated: true))
        #expect(doc.body == [
            "<text x=\"10\" y=\"20\" font-size=\"14\" text-anchor=\"middle\">a&lt;b</text>",
            "<text x=\"16\" y=\"40\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-90 16 40)\">up</text>",
        ])
    }

    @Test func truncationEndsInEllipsis() {
        #expect(truncated("abcdef", characters: 6) == "abcdef")
        #expect(truncated("abcdef", characters: 4) == "abc…")
        #expect(truncated("abcdef", characters: 0) == "")
    }
}
