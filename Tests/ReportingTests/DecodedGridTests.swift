// Tests for the decoded-variables grid: one cell per variable × token, shading, shape errors.
import Testing
@testable import Reporting

@Suite struct DecodedGridTests {
    @Test func gridCellsAndText() throws {
        let g = DecodedGrid(title: "decoded", tokens: ["BOS", "(", ")"], variables: ["open", "balance"], cells: [
            [.init("0"), .init("1"), .init("0")],
            [.init("0", fill: DecodedGrid.agree), .init("1", fill: DecodedGrid.agree), .init("<0>", fill: DecodedGrid.disagree)],
        ])
        let svg = try g.svg()
        #expect(svg == (try g.svg()))
        let parsed = parseXML(svg)
        #expect(parsed.error == nil)
        #expect(parsed.elements.filter { $0 == "rect" }.count == 1 + 6)
        #expect(svg.contains("&lt;0&gt;"))
        #expect(svg.contains(DecodedGrid.disagree.hex))
    }

    @Test func shapeMismatchIsAnError() {
        let g = DecodedGrid(title: "d", tokens: ["a", "b"], variables: ["v"], cells: [[.init("1")]])
        do { _ = try g.svg(); Issue.record("expected an error") } catch { #expect("\(error)".contains("1 variables × 2 tokens")) }
    }
}
