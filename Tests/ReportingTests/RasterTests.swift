// Tests for the rasteriser: exact heat-map pixels per cell, line pixels, and that rasterised
// figures encode to PNGs whose IDAT inflates back to the image.
import Testing
@testable import Reporting

@Suite struct RasterTests {
    @Test func heatMapPixelsPerCell() throws {
        let m = try Matrix(rows: 2, columns: 3, values: [-1, 0, 1, 1, 1, -1])
        let h = HeatMap(title: "h", matrix: m, scale: .diverging(limit: 1))
        let img = try h.rasterise(pixelWidth: 2, pixelHeight: 3)
        #expect(img.width == 6 && img.height == 6)
        for r in 0..<2 { for c in 0..<3 {
            let want = h.scale.colour(m[r, c], levels: h.levels)
            for dy in 0..<3 { for dx in 0..<2 { #expect(img.pixel(c * 2 + dx, r * 3 + dy) == want) } }
        } }
        #expect(throws: ChartError.self) { try h.rasterise(pixelWidth: 0) }
        let png = encodePNG(img)
        let chunks = try readPNGChunks(png)
        #expect(try inflateZlib(chunks[1].data) == img.scanlines())
    }

    @Test func horizontalAndDiagonalLines() {
        var img = Image(width: 10, height: 10)
        drawLine(&img, 1, 5, 8, 5, RGB(0, 0, 0))
        for x in 1...8 { #expect(img.pixel(x, 5) == RGB(0, 0, 0)) }
        #expect(img.pixel(0, 5) == RGB(255, 255, 255) && img.pixel(9, 5) == RGB(255, 255, 255))
        #expect(img.pixel(4, 4) == RGB(255, 255, 255))
        var d = Image(width: 10, height: 10)
        drawLine(&d, 0, 0, 9, 9, RGB(0, 0, 0))
        for i in 0..<10 { #expect(d.pixel(i, i) == RGB(0, 0, 0)) }
        var steep = Image(width: 10, height: 10)
        drawLine(&steep, 3, 9, 3, 0, RGB(0, 0, 0))              // vertical, drawn bottom to top
        for y in 0..<10 { #expect(steep.pixel(3, y) == RGB(0, 0, 0)) }
        var clipped = Image(width: 4, height: 4)
        drawLine(&clipped, -10, -3, 20, 30, RGB(0, 0, 0))        // mostly outside: must not crash
        #expect(clipped.width == 4)
    }

    @Test func lineChartRaster() throws {
        let chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [
            Series(name: "a", points: [.init(0, 0), .init(1, 1)]),
        ], yRange: 0...1)
        let img = try chart.rasterise()
        #expect(img.width == 640 && img.height == 400)
        let L = try LineChartLayout(chart)
        // The series starts at the bottom-left corner of the plot area and ends at its top-right.
        let start = img.pixel(Int(L.px(0).rounded()), Int(L.py(0).rounded()))
        let end = img.pixel(Int(L.px(1).rounded()), Int(L.py(1).rounded()))
        #expect(start != RGB(255, 255, 255))
        #expect(end == seriesPalette[0])
        #expect(encodePNG(img) == encodePNG(try chart.rasterise()))
    }

    @Test func barChartRaster() throws {
        let chart = BarChart(title: "acc", yLabel: "a", groups: ["g1", "g2"], methods: ["m1", "m2"], values: [[1, 0.5], [nil, 0]], yRange: 0...1)
        let img = try chart.rasterise()
        #expect(img.width == 640 && img.height == 400)
        let L = BarChartLayout(chart)
        // Inside the first bar (value 1): the first palette colour; above the half bar: background.
        let x1 = Int(L.barX(group: 0, method: 0) + L.barWidth / 2), x2 = Int(L.barX(group: 0, method: 1) + L.barWidth / 2)
        #expect(img.pixel(x1, Int(L.py(0.9))) == seriesPalette[0])
        #expect(img.pixel(x2, Int(L.py(0.4))) == seriesPalette[1])
        #expect(img.pixel(x2, Int(L.py(0.7))) == RGB(255, 255, 255))
        // The missing bar leaves background.
        #expect(img.pixel(Int(L.barX(group: 1, method: 0) + L.barWidth / 2), Int(L.py(0.5))) == RGB(255, 255, 255))
        let bad = BarChart(title: "b", yLabel: "", groups: ["a"], methods: ["x", "y"], values: [[1]])
        #expect(throws: ChartError.self) { try bad.rasterise() }
    }

    @Test func decodedGridRaster() throws {
        let grid = DecodedGrid(title: "t", tokens: ["a", "b"], variables: ["v"],
                               cells: [[.init("1", fill: DecodedGrid.agree), .init("2", fill: DecodedGrid.disagree)]])
        let img = try grid.rasterise()
        let f = grid.frame
        #expect(img.width == Int(f.width.rounded()) && img.height == Int(f.height.rounded()))
        let y = Int(f.top) + 10
        #expect(img.pixel(Int(f.left) + 20, y) == DecodedGrid.agree)
        #expect(img.pixel(Int(f.left) + 56 + 20, y) == DecodedGrid.disagree)
        #expect(img.pixel(Int(f.left) + 56, y) == RGB(170, 170, 170))     // the rule between cells
        let bad = DecodedGrid(title: "t", tokens: ["a"], variables: ["v"], cells: [[]])
        #expect(throws: ChartError.self) { try bad.rasterise() }
    }
}
