// Tests for heat maps: colour-scale endpoints, quantisation, run merging on a wide matrix,
// label validation and well-formed, deterministic SVG.
import Testing
@testable import Reporting

@Suite struct HeatMapTests {
    @Test func divergingEndpoints() {
        let s = ColourScale.diverging(limit: 2)
        #expect(s.colour(-2) == RGB(33, 102, 172))
        #expect(s.colour(0) == RGB(255, 255, 255))
        #expect(s.colour(2) == RGB(178, 24, 43))
        #expect(s.colour(-100) == RGB(33, 102, 172))      // clamped
        #expect(s.colour(.infinity) == RGB(178, 24, 43))
        #expect(s.colour(.nan) == RGB(255, 255, 255))     // NaN sits at the middle
    }

    @Test func nanColourMarksMissingCells() throws {
        var h = HeatMap(title: "t", matrix: try Matrix(rows: 1, columns: 3, values: [0, .nan, 1]), scale: .sequential(low: 0, high: 1))
        #expect(h.runs(row: 0).map(\.colour) == [RGB(255, 255, 255), RGB(132, 152, 181), RGB(8, 48, 107)])   // NaN → the middle
        h.nanColour = RGB(220, 220, 220)
        #expect(h.runs(row: 0).map(\.colour) == [RGB(255, 255, 255), RGB(220, 220, 220), RGB(8, 48, 107)])
    }

    @Test func sequentialEndpoints() {
        let s = ColourScale.sequential(low: 0, high: 1)
        #expect(s.colour(0) == RGB(255, 255, 255))
        #expect(s.colour(1) == RGB(8, 48, 107))
        #expect(s.fraction(0.25) == 0.25)
    }

    @Test func quantisationHasExactlyLevelsColours() {
        let s = ColourScale.diverging(limit: 1)
        let colours = Set(stride(from: -1.0, through: 1.0, by: 0.001).map { s.colour($0, levels: 5) })
        #expect(colours.count == 5)
    }

    @Test func fittedScaleUsesLargestMagnitude() {
        #expect(ColourScale.fittedDiverging([0.5, -3, 2]) == .diverging(limit: 3))
        #expect(ColourScale.fittedDiverging([0, 0]) == .diverging(limit: 1))
    }

    @Test func wideMatrixMergesRuns() throws {
        // 2 rows × 1280 columns: row 0 constant, row 1 two halves.
        var values = [Double](repeating: 0, count: 1280)
        values += [Double](repeating: -1, count: 640) + [Double](repeating: 1, count: 640)
        let m = try Matrix(rows: 2, columns: 1280, values: values)
        let h = HeatMap(title: "resid", matrix: m, rowLabels: ["a", "b"], columnLabels: [0: "0", 1279: "1279"])
        #expect(h.runs(row: 0).count == 1)
        #expect(h.runs(row: 1).map(\.length) == [640, 640])
        let svg = try h.svg()
        #expect(svg == (try h.svg()))
        let parsed = parseXML(svg)
        #expect(parsed.error == nil)
        // background + 3 runs + 33 colour-bar levels.
        #expect(parsed.elements.filter { $0 == "rect" }.count == 1 + 3 + 33)
    }

    @Test func badShapesAreErrors() throws {
        #expect(throws: ChartError.self) { try Matrix(rows: 2, columns: 2, values: [1, 2, 3]) }
        let m = try Matrix(rows: 1, columns: 2, values: [1, 2])
        #expect(throws: ChartError.self) { try HeatMap(title: "x", matrix: m, rowLabels: ["a", "b"]).svg() }
        #expect(throws: ChartError.self) { try HeatMap(title: "x", matrix: m, columnLabels: [2: "out"]).svg() }
    }
}
