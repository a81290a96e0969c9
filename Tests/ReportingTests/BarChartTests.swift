// Tests for grouped bar charts: bar count, missing values, shape errors, determinism.
import Testing
@testable import Reporting

@Suite struct BarChartTests {
    let chart = BarChart(title: "accuracy", yLabel: "acc", groups: ["dyck", "count", "sum"],
                         methods: ["compiled", "injected"],
                         values: [[1.0, 0.97], [1.0, nil], [0.99, 0.8]], yRange: 0...1)

    @Test func barsAndGaps() throws {
        let svg = try chart.svg()
        #expect(svg == (try chart.svg()))
        let parsed = parseXML(svg)
        #expect(parsed.error == nil)
        // 1 background + 5 bars + 2 legend swatches.
        #expect(parsed.elements.filter { $0 == "rect" }.count == 8)
        #expect(svg.contains(">n/a</text>"))
        #expect(svg.contains(">count</text>"))
    }

    @Test func shapeMismatchIsAnError() {
        let bad = BarChart(title: "b", yLabel: "", groups: ["a"], methods: ["x", "y"], values: [[1]])
        do { _ = try bad.svg(); Issue.record("expected an error") } catch { #expect("\(error)".contains("1 groups × 2 methods")) }
        let inf = BarChart(title: "b", yLabel: "", groups: ["a"], methods: ["x"], values: [[.infinity]])
        #expect(throws: ChartError.self) { try inf.svg() }
        let flat = BarChart(title: "b", yLabel: "", groups: ["a"], methods: ["x"], values: [[1]], yRange: 1...1)
        #expect(throws: ChartError.self) { try flat.svg() }
    }
}
