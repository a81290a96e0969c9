// Tests for SVG → PNG through the real librsvg and cairo: the PNG header's size is scale × the
// SVG's, pixels read back through cairo show a rect's exact colour and a label's ink inside its
// box, the same SVG gives the same bytes, bad SVGs and sizes are errors that say what is wrong,
// and the library's own figures render at their SVG size.
import Testing
@testable import Reporting

/// Width and height from a PNG's IHDR chunk (bytes 16..<24, big-endian).
func ihdrSize(_ png: [UInt8]) -> (width: Int, height: Int) {
    func u32(_ p: Int) -> Int { png[p..<(p + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (u32(16), u32(20))
}

/// A 120 × 80 document: a red rect at (10, 10) size 40 × 20, and "Hello" at (10, 60) in 20-unit type.
let probeSVG = """
    <svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80" font-family="sans-serif">
    <rect x="10" y="10" width="40" height="20" fill="#ff0000"/>
    <text x="10" y="60" font-size="20">Hello</text>
    </svg>
    """

@Suite struct RenderPNGTests {
    @Test(arguments: [(1.0, 120, 80), (2.0, 240, 160), (1.5, 180, 120)])
    func headerSizeIsScaleTimesTheSVG(scale: Double, width: Int, height: Int) throws {
        let png = try renderPNG(svg: probeSVG, scale: scale)
        #expect(Array(png.prefix(8)) == pngSignature)
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        #expect(ihdrSize(png).width == width && ihdrSize(png).height == height)
        #expect(png[24] == 8 && png[25] == 2)                   // 8-bit RGB: the white background leaves no transparency
        let image = try readPNG(png)
        #expect(image.width == width && image.height == height)
    }

    @Test func rectAndBackgroundColours() throws {
        let image = try readPNG(try renderPNG(svg: probeSVG, scale: 2))
        // The rect covers pixels 20..<100 × 20..<60 exactly (whole units at scale 2).
        for (x, y) in [(20, 20), (60, 40), (99, 59)] { #expect(image.pixel(x, y) == RGB(255, 0, 0), "(\(x), \(y))") }
        for (x, y) in [(19, 40), (100, 40), (60, 19), (60, 60), (0, 0), (239, 159)] { #expect(image.pixel(x, y) == RGB(255, 255, 255), "(\(x), \(y))") }
        #expect(image.rgba.enumerated().allSatisfy { $0.offset % 4 != 3 || $0.element == 255 })      // opaque: white behind everything
    }

    @Test func textLeavesInkInsideItsBox() throws {
        let image = try readPNG(try renderPNG(svg: probeSVG, scale: 2))
        // "Hello" at 20 units from x = 10 on baseline 60: its ink lies within x 10…90, y 40…65
        // (cap height and descender included, generously), i.e. pixels 20..<180 × 80..<130.
        var inside = 0, outside = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x, y)
                guard max(p.r, p.g, p.b) < 128 else { continue }          // dark ink (the red rect is not dark)
                if x >= 20 && x < 180 && y >= 80 && y < 130 { inside += 1 } else { outside += 1 }
            }
        }
        #expect(inside > 300, "too little ink for \"Hello\": \(inside) dark pixels")
        #expect(outside == 0)
        // Real glyph outlines are anti-aliased: greys between black and white appear, unlike a bitmap font.
        let greys = image.rgba.enumerated().filter { $0.offset % 4 == 0 && $0.element > 40 && $0.element < 215 }
        #expect(!greys.isEmpty)
    }

    @Test func sameSVGSameBytes() throws {
        let chart = LineChart(title: "loss", xLabel: "step", yLabel: "loss", series: [
            Series(name: "train", points: [.init(0, 2.5), .init(100, 1.2), .init(200, 0.7)]),
        ])
        let svg = try chart.svg()
        #expect(try renderPNG(svg: svg) == (try renderPNG(svg: svg)))
        #expect(try renderPNG(svg: svg, scale: 1) != (try renderPNG(svg: svg)))
    }

    @Test func malformedSVGIsAnErrorSayingWhy() {
        // librsvg passes on libxml2's diagnosis: what is wrong and where.
        let cases = [("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect", "Premature end of data"),
                     ("not an svg at all", "Start tag expected")]
        for (bad, why) in cases {
            do {
                _ = try renderPNG(svg: bad)
                Issue.record("expected an error for \(bad)")
            } catch {
                let m = "\(error)"
                #expect(m.hasPrefix("render PNG: librsvg could not read the SVG: XML parse error"), "\(m)")
                #expect(m.contains(why) && m.contains("line 1 column"), "\(m)")
                #expect(m.contains("(SVG starts \"\(bad.prefix(10))"), "the message shows the document: \(m)")
            }
        }
        #expect(throws: RenderError(message: "render PNG: the SVG is empty; pass a figure's svg() output")) { try renderPNG(svg: "") }
    }

    @Test func unusableSizesAreErrors() {
        func message(_ svg: String, scale: Double = 2) -> String {
            do { _ = try renderPNG(svg: svg, scale: scale); return "no error" } catch { return "\(error)" }
        }
        let noSize = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"5\" height=\"5\"/></svg>"
        #expect(message(noSize).contains("no absolute width and height"))
        let percent = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" height=\"50%\"/>"
        #expect(message(percent).contains("no absolute width and height"))
        let huge = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20000\" height=\"100\"/>"
        #expect(message(huge).contains("20000×100 SVG at scale 2 would be 40000×200 pixels"))
        #expect(message(huge, scale: 1) == "no error")
        let area = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10000\" height=\"10000\"/>"
        #expect(message(area, scale: 1).contains("area ≤ \(maxPNGPixels) pixels"))
        let zero = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"10\"/>"
        #expect(message(zero).contains("each side must be 1…"))
        for scale: Double in [0, -1, .nan, .infinity, 17] { #expect(message(probeSVG, scale: scale).contains("scale"), "\(scale)") }
    }

    @Test func libraryFiguresRenderAtTheirSVGSize() throws {
        // A line chart whose legend entry is long: the figure widens to hold it, and the PNG is
        // the SVG at 2 pixels a unit with the whole entry inked and white to the right of it.
        let chart = LineChart(title: "accuracy vs step", xLabel: "step", yLabel: "accuracy", series: [
            Series(name: "Tracr Injection, with detach-and-roll", points: [.init(0, 0.1), .init(10, 0.9)]),
        ])
        let C = try LineChartLayout(chart)
        let line = try readPNG(try renderPNG(svg: chart.svg()))
        #expect(C.width > 640 && line.width == Int(2 * C.width) && line.height == 800)
        // Legend text starts at right + 40 units on baseline legendY(0) + 4; nothing else right of
        // the swatch (right + 14…34) is dark.
        let x0 = Int(2 * (C.right + 40)), y0 = Int(2 * (C.legendY(0) + 4)) - 24, y1 = y0 + 32
        let legendInk = (Int(2 * (C.right + 35))..<line.width).filter { x in
            (0..<line.height).contains { y in let p = line.pixel(x, y); return max(p.r, p.g, p.b) < 128 }
        }
        #expect(legendInk.min().map { $0 >= x0 - 1 } == true)
        #expect(legendInk.max().map { $0 > x0 + 2 * 150 && $0 < line.width - 10 } == true, "legend ink \(legendInk.min() ?? -1)…\(legendInk.max() ?? -1) of \(line.width)")
        #expect(legendInk.allSatisfy { x in (y0..<y1).contains { y in let p = line.pixel(x, y); return max(p.r, p.g, p.b) < 128 } })

        var values = [Double](repeating: 0, count: 6 * 300)
        for i in values.indices { values[i] = Double(i % 300) / 300 - 0.5 }
        let map = HeatMap(title: "residual", matrix: try Matrix(rows: 6, columns: 300, values: values),
                          rowLabels: ["BOS", "(", ")", "(", ")", "⏎"], columnLabels: [0: "0", 100: "100", 200: "200"])
        let L = HeatMapLayout(map)
        let heat = try readPNG(try renderPNG(svg: map.svg()))
        #expect(heat.width == Int(2 * L.width) && heat.height == Int(2 * L.height))
        // The first and last columns have exactly their cells' colours (crispEdges: cells are not blended).
        #expect(heat.pixel(Int(2 * L.left) + 1, Int(2 * L.top) + 5) == map.scale.colour(-0.5, levels: map.levels))
        #expect(heat.pixel(Int(2 * (L.left + L.gridWidth)) - 2, Int(2 * L.top) + 5) == map.scale.colour(299.0 / 300 - 0.5, levels: map.levels))
    }
}
