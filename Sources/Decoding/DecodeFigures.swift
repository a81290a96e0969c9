// The decode stage's figures for one input (the paper's Figures 4–6): the raw LM residual as a
// heat map (positions × D), the adapted residual (positions × C), and the decoded table
// (variables × positions, green where it matches the compiled model, red where not, white
// where the compiled model has no value),
// each as SVG and PNG (the SVG rendered at 2 pixels a unit by librsvg), named
// example-<i>-raw / -adapted / -table.
import Reporting

/// Display form of an LM token: a newline shown as ⏎, other text as is.
public func displayToken(_ s: String) -> String {
    s.replacingNewlines()
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        for ch in self { out += ch == "\n" ? "⏎" : String(ch) }
        return out
    }
}

/// Column labels every `step` dimensions (0, step, 2·step, …).
func sparseLabels(_ columns: Int, step: Int) -> [Int: String] {
    var out: [Int: String] = [:]
    for c in stride(from: 0, to: columns, by: step) { out[c] = String(c) }
    return out
}

/// A symmetric colour scale clipped at the 99th percentile of |value|: residual streams have a
/// few huge dimensions (hundreds) that would otherwise wash every other cell out to white.
func clippedScale(_ values: [Float]) -> ColourScale {
    let magnitudes = values.map { abs(Double($0)) }.filter(\.isFinite).sorted()
    guard !magnitudes.isEmpty else { return .diverging(limit: 1) }
    let p99 = magnitudes[min(magnitudes.count - 1, Int(Double(magnitudes.count) * 0.99))]
    return .diverging(limit: p99 > 0 ? p99 : (magnitudes.last! > 0 ? magnitudes.last! : 1))
}

/// The figures of one decoded example: SVG and PNG of the raw and adapted heat maps and of the table.
public func decodeFigures(index i: Int, example e: DecodedExample, raw: [Float], lmWidth d: Int, adapted: [Float],
                          compiledWidth c: Int, task: String, method: String) throws -> [BundleFile] {
    let t = e.tokens.count
    let rows = e.tokens.map(displayToken)
    let rawMap = HeatMap(title: "\(task) (\(method)): LM residual \(e.layer), \(t) positions × \(d) (colours clipped at the 99th percentile of |value|)",
                         matrix: try Matrix(rows: t, columns: d, values: raw.map(Double.init)),
                         rowLabels: rows, columnLabels: sparseLabels(d, step: 128), scale: clippedScale(raw))
    let adaptedMap = HeatMap(title: "\(task) (\(method)): adapted residual \(e.layer), \(t) positions × \(c) (colours clipped at the 99th percentile of |value|)",
                             matrix: try Matrix(rows: t, columns: c, values: adapted.map(Double.init)),
                             rowLabels: rows, columnLabels: sparseLabels(c, step: 100), scale: clippedScale(adapted))
    var cells: [[DecodedGrid.Entry]] = []
    for v in e.variables.indices {
        cells.append((0..<t).map { p in
            let value = e.table[p][v], truth = e.truth[p][v]
            return DecodedGrid.Entry(value, fill: truth.isEmpty ? nil : value == truth ? DecodedGrid.agree : DecodedGrid.disagree)
        })
    }
    let grid = DecodedGrid(title: "\(task) (\(method)): variables decoded from residual \(e.layer) (green = compiled model's value)",
                           tokens: rows, variables: e.variables, cells: cells)
    var files: [BundleFile] = []
    for (part, svg) in [("raw", try rawMap.svg()), ("adapted", try adaptedMap.svg()), ("table", try grid.svg())] {
        files.append(BundleFile("example-\(i)-\(part).svg", Array(svg.utf8)))
        files.append(BundleFile("example-\(i)-\(part).png", try renderPNG(svg: svg)))
    }
    return files
}
