// Tests for line charts: determinism, well-formed SVG, layout mapping, room for long legend
// entries, and bad input.
import Testing
@testable import Reporting

@Suite struct LineChartTests {
    let chart = LineChart(title: "loss <train>", xLabel: "step", yLabel: "loss", series: [
        Series(name: "train", points: [.init(0, 2.5), .init(100, 1.2), .init(200, 0.7)]),
        Series(name: "val", points: [.init(0, 2.6), .init(100, 1.4), .init(200, 0.9)]),
    ])

    @Test func deterministicAndWellFormed() throws {
        let a = try chart.svg(), b = try chart.svg()
        #expect(a == b)
        let parsed = parseXML(a)
        #expect(parsed.error == nil)
        #expect(parsed.elements.filter { $0 == "polyline" }.count == 2)
        #expect(a.contains("loss &lt;train&gt;"))
        #expect(a.contains(">val</text>"))
    }

    @Test func layoutMapsEndsOfRange() throws {
        let L = try LineChartLayout(chart)
        #expect(L.px(L.xMin) == L.left)
        #expect(L.px(L.xMax) == L.right)
        #expect(L.py(L.yMin) == L.bottom)
        #expect(L.py(L.yMax) == L.top)
        #expect(L.xMin <= 0 && L.xMax >= 200 && L.yMin <= 0.7 && L.yMax >= 2.6)
    }

    @Test func fixedRangeIsUsed() throws {
        var c = chart
        c.yRange = 0...1
        let L = try LineChartLayout(c)
        #expect(L.yMin == 0 && L.yMax == 1)
    }

    @Test func longLegendWidensTheFigure() throws {
        #expect(try LineChartLayout(chart).width == 640)            // short names fit the 170 units right of the plot
        var long = chart
        long.series[0].name = String(repeating: "n", count: 40)
        let L = try LineChartLayout(long)
        #expect(L.width == L.right + 40 + 40 * LineChartLayout.legendCharWidth + 10 && L.right == 470)
        #expect(try long.svg().hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"400\""))
    }

    @Test func badInputIsAnError() {
        let empty = LineChart(title: "e", xLabel: "", yLabel: "", series: [])
        #expect(throws: ChartError.self) { try empty.svg() }
        let nan = LineChart(title: "n", xLabel: "", yLabel: "", series: [Series(name: "s", points: [.init(0, .nan)])])
        do { _ = try nan.svg(); Issue.record("expected an error") } catch { #expect("\(error)".contains("non-finite")) }
        var tiny = chart
        tiny.width = 100
        #expect(throws: ChartError.self) { try tiny.svg() }
    }
}
