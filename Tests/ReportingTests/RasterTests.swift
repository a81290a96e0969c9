// Tests for the rasteriser: exact heat-map pixels per cell, line pixels, that rasterised
// figures encode to PNGs whose IDAT inflates back to the image, and that the PNGs carry the
// SVG's labels (title, axis titles, ticks, legends, row/column labels, cell values).
import Testing
@testable import Reporting

/// The RGB image inside PNG bytes written by `encodePNG` (filter 0 on every row).
func decodePNG(_ png: [UInt8]) throws -> Image {
    let chunks = try readPNGChunks(png)
    let h = chunks[0].data
    func u32(_ p: Int) -> Int { Int(h[p]) << 24 | Int(h[p + 1]) << 16 | Int(h[p + 2]) << 8 | Int(h[p + 3]) }
    var img = Image(width: u32(0), height: u32(4))
    let raw = try inflateZlib(chunks.filter { $0.type == "IDAT" }.flatMap(\.data))
    let stride = img.width * 3
    for y in 0..<img.height {
        #expect(raw[y * (stride + 1)] == 0)
        img.pixels.replaceSubrange((y * stride)..<((y + 1) * stride), with: raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))])
    }
    return img
}

/// How many pixels of `rect` are exactly `colour` (text is drawn in black).
func inkCount(_ img: Image, _ rect: PixelRect, _ colour: RGB = RGB(0, 0, 0)) -> Int {
    var n = 0
    for y in max(0, rect.y)..<min(img.height, rect.y + rect.height) {
        for x in max(0, rect.x)..<min(img.width, rect.x + rect.width) where img.pixel(x, y) == colour { n += 1 }
    }
    return n
}

/// The box a label occupies in the raster (at the scale `Image.draw` picks when it fits).
func rasterBox(_ t: ChartText) -> PixelRect {
    textBox(t.text, x: Int(t.x.rounded()), y: Int(t.y.rounded()), scale: ChartText.rasterScale(size: t.size), anchor: t.anchor, rotated: t.rotated)
}

@Suite struct RasterTests {
    @Test func heatMapPixelsPerCell() throws {
        let m = try Matrix(rows: 2, columns: 3, values: [-1, 0, 1, 1, 1, -1])
        let h = HeatMap(title: "h", matrix: m, scale: .diverging(limit: 1))
        let img = try h.rasterise(pixelWidth: 2, pixelHeight: 3)
        let L = h.rasterLayout(pixelWidth: 2, pixelHeight: 3)
        #expect(img.width == Int(L.width) && img.height == Int(L.height))
        let left = Int(L.left), top = Int(L.top)
        for r in 0..<2 { for c in 0..<3 {
            let want = h.scale.colour(m[r, c], levels: h.levels)
            for dy in 0..<3 { for dx in 0..<2 { #expect(img.pixel(left + c * 2 + dx, top + r * 3 + dy) == want) } }
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

    @Test func lineChartCarriesItsLabels() throws {
        let chart = LineChart(title: "Accuracy vs noise", xLabel: "noise norm", yLabel: "task accuracy", series: [
            Series(name: "answer", points: [.init(0, 1), .init(4, 0.25)]), Series(name: "uniform", points: [.init(0, 1), .init(4, 0.9)]),
        ], yRange: 0...1)
        let png = encodePNG(try chart.rasterise())
        #expect(png == encodePNG(try chart.rasterise()))                       // same chart, same bytes
        let img = try decodePNG(png)
        #expect(img == (try chart.rasterise()))
        let texts = try LineChartLayout(chart).texts(chart)
        #expect(texts.map(\.text) == ["Accuracy vs noise", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "0", "1", "2", "3", "4",
                                      "noise norm", "task accuracy", "answer", "uniform"])
        for t in texts { #expect(inkCount(img, rasterBox(t)) > 0, "no ink for \"\(t.text)\"") }
        // The title is drawn at 2×, centred: ink on both sides of the middle, none above its box.
        let title = rasterBox(texts[0])
        #expect(title.width == 17 * 12 && inkCount(img, PixelRect(x: 0, y: 0, width: img.width, height: title.y)) == 0)
        #expect(inkCount(img, PixelRect(x: title.x, y: title.y, width: title.width / 2, height: title.height)) > 0)
        #expect(inkCount(img, PixelRect(x: 320, y: title.y, width: title.width / 2, height: title.height)) > 0)
        // The y-axis title is rotated: taller than wide.
        let y = rasterBox(texts[13])
        #expect(y.height > y.width && y.height == 13 * BitmapFont.advance)
        // Every label of the SVG is in the raster's list (one layout feeds both).
        let svg = try chart.svg()
        for t in texts { #expect(svg.contains(">\(t.text)</text>")) }
    }

    @Test func barChartCarriesItsLabels() throws {
        let chart = BarChart(title: "accuracy", yLabel: "acc", groups: ["dyck", "count"], methods: ["none", "injection"],
                             values: [[0.5, 1], [nil, 0.25]], yRange: 0...1)
        let img = try decodePNG(encodePNG(try chart.rasterise()))
        let texts = BarChartLayout(chart).texts(chart)
        #expect(Set(texts.map(\.text)).isSuperset(of: ["accuracy", "acc", "dyck", "count", "none", "injection", "n/a", "0.0", "1.0"]))
        for t in texts { #expect(inkCount(img, rasterBox(t)) > 0, "no ink for \"\(t.text)\"") }
    }

    @Test func heatMapCarriesItsLabels() throws {
        var values = [Double](repeating: 0.5, count: 4 * 300)
        values[7] = 1
        let h = HeatMap(title: "residual 2, 4 positions × 300", matrix: try Matrix(rows: 4, columns: 300, values: values),
                        rowLabels: ["bos", "(", "⏎", String(repeating: "long", count: 10)],
                        columnLabels: [0: "0", 100: "100", 101: "101", 200: "200"], scale: .sequential(low: 0, high: 1))
        let img = try decodePNG(encodePNG(try h.rasterise(pixelWidth: 1, pixelHeight: 10)))
        let L = h.rasterLayout(pixelWidth: 1, pixelHeight: 10)
        let texts = L.texts(h)
        // Column 101 would overlap 100's label, so it is left out (in the SVG too); the long row label is cut.
        #expect(texts.map(\.text) == ["residual 2, 4 positions × 300", "bos", "(", "⏎", String(repeating: "long", count: 10).prefix(31) + "…",
                                      "0", "100", "200", "1", "0"])
        for t in texts { #expect(inkCount(img, rasterBox(t)) > 0, "no ink for \"\(t.text)\"") }
        // Row labels sit inside their own rows, right of the image edge and left of the grid.
        for r in 0..<4 {
            let b = rasterBox(texts[1 + r])
            #expect(b.y >= Int(L.top) + r * 10 && b.y + b.height <= Int(L.top) + (r + 1) * 10 && b.x >= 0 && b.x + b.width <= Int(L.left))
        }
        #expect(img.pixel(Int(L.left) + 7, Int(L.top)) == RGB(8, 48, 107))   // the cell at (0, 7) is still exact
        let svg = try h.svg()
        #expect(svg.contains(">" + String(repeating: "long", count: 10).prefix(31) + "…</text>") && !svg.contains(">101</text>"))
    }

    @Test func shortRowsLabelEveryFewRows() throws {
        let h = HeatMap(title: "t", matrix: try Matrix(rows: 6, columns: 2, values: Array(repeating: 0, count: 12)),
                        rowLabels: ["a", "b", "c", "d", "e", "f"])
        #expect(h.rasterLayout(pixelWidth: 1, pixelHeight: 4).texts(h).map(\.text).prefix(4) == ["t", "a", "c", "e"])
        #expect(h.rasterLayout(pixelWidth: 1, pixelHeight: 8).texts(h).map(\.text).prefix(7) == ["t", "a", "b", "c", "d", "e", "f"])
    }

    @Test func decodedGridCarriesItsText() throws {
        let grid = DecodedGrid(title: "dyck: decoded", tokens: ["bos", "(", "⏎", "a-very-long-token"], variables: ["balance", "x"], cells: [
            [.init("0"), .init("1", fill: DecodedGrid.agree), .init("—"), .init("-1", fill: DecodedGrid.disagree)],
            [.init("True"), .init("False"), .init("␣"), .init("a-very-long-value")],
        ])
        let img = try decodePNG(encodePNG(try grid.rasterise()))
        let texts = grid.texts()
        #expect(texts.count == 1 + 4 + 2 * (1 + 4))
        for t in texts { #expect(inkCount(img, rasterBox(t)) > 0, "no ink for \"\(t.text)\"") }
        // Cell values stay inside their cells (long ones are cut to the cell's width).
        let f = grid.frame
        for (i, t) in texts.enumerated() where t.size == 10 {
            let c = (i - 1 - 4) % 5 - 1, r = (i - 1 - 4) / 5
            let cell = PixelRect(x: Int(f.left) + c * 56 + 1, y: Int(f.top) + r * 22 + 1, width: 55, height: 21)
            var inCell = Image(width: img.width, height: img.height)
            inCell.draw(t)
            #expect(inked(inCell).allSatisfy { cell.contains($0.x, $0.y) }, "\"\(t.text)\" leaves its cell")
        }
    }
}
