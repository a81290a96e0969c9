// bench-report: renders a residual-stream-sized heat map (64 tokens × 1280 dims), a line chart,
// a bar chart and a decoded grid to SVG, and each SVG to PNG (librsvg, 2 pixels a unit), plus an
// HTML and a Markdown report in a directory (default /tmp/bench-report), and prints how long each
// rendering took and how large it is.
import Foundation
import Reporting

let outDir = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "/tmp/bench-report"
try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)

func timed<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    print("\(label): \(fixedDecimal(ms, digits: 1)) ms")
    return value
}
func write(_ name: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: outDir + "/" + name))
    print("  wrote \(name) (\(bytes.count) bytes)")
}

// A deterministic pseudo-residual stream: smooth structure plus a few large "outlier" dims.
let rows = 64, cols = 1280
var values = [Double](repeating: 0, count: rows * cols)
for r in 0..<rows { for c in 0..<cols {
    let outlier = (c % 311 == 7) ? 8.0 : 0
    values[r * cols + c] = sin(Double(r) * 0.3 + Double(c) * 0.011) * cos(Double(c) * 0.07) + outlier * Double(r % 3)
} }
let heat = HeatMap(title: "residual stream, layer 12", matrix: try Matrix(rows: rows, columns: cols, values: values),
                   rowLabels: (0..<rows).map { "t\($0)" },
                   columnLabels: Dictionary(uniqueKeysWithValues: stride(from: 0, to: cols, by: 256).map { ($0, "\($0)") }))
let heatSVG = try timed("heat map 64×1280 → SVG") { try heat.svg() }
try write("heatmap.svg", Array(heatSVG.utf8))
let heatPNG = try timed("heat map SVG → PNG (grid 2560×1536 px + labels)") { try renderPNG(svg: heatSVG) }
try write("heatmap.png", heatPNG)

let curve = LineChart(title: "accuracy vs noise", xLabel: "noise σ", yLabel: "accuracy", series: (0..<3).map { k in
    Series(name: ["dyck", "count", "sum"][k], points: (0...20).map { i in
        .init(Double(i) * 0.05, 1 / (1 + exp((Double(i) * 0.05 - 0.4 - 0.1 * Double(k)) * 12))) })
}, yRange: 0...1)
let curveSVG = try timed("line chart → SVG") { try curve.svg() }
try write("curve.svg", Array(curveSVG.utf8))
try write("curve.png", try timed("line chart SVG → PNG") { try renderPNG(svg: curveSVG) })

let bars = BarChart(title: "accuracy per task", yLabel: "accuracy", groups: ["dyck", "count", "sum"],
                    methods: ["compiled", "injected", "paper"], values: [[1, 0.97, 0.98], [1, nil, 0.95], [1, 0.81, 0.9]], yRange: 0...1)
let grid = DecodedGrid(title: "decoded variables", tokens: ["BOS", "(", "(", ")", ")"], variables: ["opens", "closes", "balance"],
                       cells: [["0", "1", "2", "2", "2"], ["0", "0", "0", "1", "2"], ["0", "1", "2", "1", "0"]].map { $0.map { DecodedGrid.Entry($0, fill: DecodedGrid.agree) } })
let barsSVG = try bars.svg(), gridSVG = try grid.svg()
try write("bars.svg", Array(barsSVG.utf8))
try write("bars.png", try timed("bar chart SVG → PNG") { try renderPNG(svg: barsSVG) })
try write("grid.svg", Array(gridSVG.utf8))
try write("grid.png", try timed("decoded grid SVG → PNG") { try renderPNG(svg: gridSVG) })
let report = Report(title: "graft bench report", sections: [
    Section("Figures", [
        .figure(Figure(caption: "Residual stream", svg: heatSVG, pngPath: "heatmap.png")),
        .figure(Figure(caption: "Accuracy vs noise", svg: curveSVG, pngPath: "curve.png")),
        .figure(Figure(caption: "Accuracy per task", svg: barsSVG, pngPath: "bars.png")),
        .figure(Figure(caption: "Decoded variables", svg: gridSVG, pngPath: "grid.png")),
    ]),
])
let html = try timed("HTML page") { try report.html() }
try write("report.html", Array(html.utf8))
try write("report.md", Array(try report.markdown().utf8))
