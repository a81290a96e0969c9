// Tests for number formatting, Markdown/HTML table rendering, escaping and comparison tables.
import Testing
@testable import Reporting

@Suite struct TableTests {
    @Test func numberFormats() {
        #expect(formatNumber(0.1234, .fixed(2)) == "0.12")
        #expect(formatNumber(0.125, .fixed(2)) == "0.13")
        #expect(formatNumber(-0.001, .fixed(2)) == "0.00")
        #expect(formatNumber(-1.5, .fixed(1)) == "-1.5")
        #expect(formatNumber(0.1234, .percent(1)) == "12.3%")
        #expect(formatNumber(1234.4, .integer) == "1234")
        #expect(formatNumber(.nan, .fixed(2)) == "nan")
        #expect(formatNumber(-.infinity, .fixed(2)) == "-inf")
        #expect(formatNumber(3, .fixed(3)) == "3.000")
    }

    let small = Table(title: "Accuracy", columns: ["task", "acc"],
                      rows: [[.text("dyck"), .number(0.9712, .fixed(3))],
                             [.text("count"), .notRun(reason: "no GPU")]])

    @Test func markdownExact() throws {
        #expect(try small.markdown() == """
        **Accuracy**

        | task | acc |
        | --- | --- |
        | dyck | 0.971 |
        | count | not run: no GPU |

        """)
        let numeric = Table(title: "n", columns: ["x"], rows: [[.number(1, .integer)]])
        #expect(try numeric.markdown().contains("| ---: |"))
    }

    @Test func markdownEscapesPipes() throws {
        let t = Table(title: "a|b", columns: ["c"], rows: [[.text("x|y*z\nw")]])
        #expect(try t.markdown() == "**a\\|b**\n\n| c |\n| --- |\n| x\\|y\\*z<br>w |\n")
    }

    @Test func htmlExact() throws {
        #expect(try small.html() == """
        <table>
        <caption>Accuracy</caption>
        <thead><tr><th>task</th><th>acc</th></tr></thead>
        <tbody>
        <tr><td>dyck</td><td class="num">0.971</td></tr>
        <tr><td>count</td><td class="notrun">not run: no GPU</td></tr>
        </tbody>
        </table>

        """)
    }

    @Test func htmlEscaping() throws {
        #expect(escapeHTML("<a href=\"x\">Tom & 'Jerry'</a>") == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        let t = Table(title: "<script>", columns: ["a&b"], rows: [[.text("</td>")]])
        let html = try t.html()
        #expect(!html.contains("<script>"))
        #expect(html.contains("<caption>&lt;script&gt;</caption>"))
        #expect(html.contains("<th>a&amp;b</th>"))
        #expect(html.contains("<td>&lt;/td&gt;</td>"))
    }

    @Test func raggedRowIsAnError() {
        let t = Table(title: "bad", columns: ["a", "b"], rows: [[.text("1")], [.text("1"), .text("2")]])
        #expect(t.problems().count == 1)
        #expect(throws: TableError.self) { try t.markdown() }
        #expect(throws: TableError.self) { try t.html() }
        do { _ = try t.html() } catch { #expect("\(error)".contains("row 1 has 1 cells but there are 2 columns")) }
    }

    @Test func comparisonTableRows() throws {
        let t = comparisonTable(title: "graft vs paper", [
            Comparison(name: "dyck acc", graft: 0.95, paper: 0.98),
            Comparison(name: "sum acc", graft: nil, paper: 0.9, notRunReason: "distill not run"),
            Comparison(name: "new", graft: 0.5, paper: nil),
            Comparison(name: "equal", graft: 0.5, paper: 0.5),
        ])
        #expect(t.columns == ["quantity", "graft", "paper", "Δ (graft − paper)"])
        #expect(t.rows[0] == [.text("dyck acc"), .number(0.95, .fixed(3)), .number(0.98, .fixed(3)), .text("-0.030")])
        #expect(t.rows[1][1] == .notRun(reason: "distill not run"))
        #expect(t.rows[1][3] == .text("—"))
        #expect(t.rows[2][2] == .text("not reported"))
        #expect(t.rows[3][3] == .text("0.000"))
        #expect(signed(0.012, .fixed(3)) == "+0.012")
        #expect(try t.markdown().contains("| dyck acc | 0.950 | 0.980 | -0.030 |"))
    }
}
