// Tests for the report assemblers: self-contained, escaped, well-formed HTML and Markdown with
// PNG links; a figure without a PNG is an error in Markdown.
import Testing
@testable import Reporting

@Suite struct PageTests {
    func report(png: String?) throws -> Report {
        let svg = try BarChart(title: "acc", yLabel: "acc", groups: ["dyck"], methods: ["m"], values: [[0.9]]).svg()
        let table = Table(title: "T & U", columns: ["a"], rows: [[.number(1, .integer)]])
        return Report(title: "graft <report>", sections: [
            Section("Results", [.paragraph("x < y"), .table(table), .figure(Figure(caption: "Fig 1", svg: svg, pngPath: png))]),
        ])
    }

    @Test func htmlIsSelfContainedAndWellFormed() throws {
        let html = try report(png: nil).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>graft &lt;report&gt;</title>"))
        #expect(html.contains("<p>x &lt; y</p>"))
        #expect(html.contains("<caption>T &amp; U</caption>"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("@import"))
        // Everything after the doctype is XML-compatible (our own output), so XMLParser can check nesting.
        let body = String(html.drop(while: { $0 != "\n" }).dropFirst())
        let parsed = parseXML(body)
        #expect(parsed.error == nil)
        #expect(parsed.elements.contains("svg") && parsed.elements.contains("figcaption"))
    }

    @Test func htmlRejectsNonSVGFigure() throws {
        let r = Report(title: "r", sections: [Section("s", [.figure(Figure(caption: "c", svg: "<img src=x>"))])])
        #expect(throws: ChartError.self) { try r.html() }
    }

    @Test func markdownLinksPNGs() throws {
        let md = try report(png: "figures/fig 1.png").markdown()
        #expect(md == """
        # graft <report>

        ## Results

        x < y

        **T & U**

        | a |
        | ---: |
        | 1 |

        ![Fig 1](figures/fig%201.png)

        *Fig 1*

        """)
        do { _ = try report(png: nil).markdown(); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("figure \"Fig 1\" has no PNG path"))
        }
    }
}
