// The decoding process (the paper's Figures 4–6, METHOD §6): for each decoded input, the table
// variables × positions (a cell reads "decoded" or "decoded (compiled: truth)" where they
// differ), and the heat maps and decoded grid the decode stage drew, taken from its bundle.
import Decoding
import Foundation
import Reporting

extension ReportInputs {
    /// Decoded values of one example as a table: one row per variable, one column per token.
    public func decodeTable(_ k: RunKey, index i: Int, _ e: DecodedExample) -> Table {
        let columns = ["variable"] + e.tokens.enumerated().map { "\($0.offset): \(displayToken($0.element))" }
        var rows: [[Cell]] = []
        var agree = 0
        for (v, name) in e.variables.enumerated() {
            var row: [Cell] = [.text(name)]
            for p in e.tokens.indices {
                let value = e.table[p][v], truth = p < e.truth.count ? e.truth[p][v] : "?"
                if value == truth { agree += 1 }
                row.append(.text(value == truth ? shown(value) : "\(shown(value)) (compiled: \(shown(truth)))"))
            }
            rows.append(row)
        }
        let total = e.variables.count * e.tokens.count
        return Table(title: "\(k) input \(i): \(e.prompt.debugDescription), decoded from residual \(e.layer); \(agree)/\(total) cells match the compiled model",
                     columns: columns, rows: rows)
    }

    /// A decoded value as a table cell: a space token is "␣"; an empty value (the compiled model
    /// has not written the variable at this position yet) is "—".
    func shown(_ value: String) -> String {
        value.isEmpty ? "—" : value.replacingOccurrences(of: " ", with: "␣")
    }

    public func decodeBlocks(_ figures: inout FigureSet) throws -> [Block] {
        var blocks: [Block] = []
        for (k, d) in decodes.sorted(by: { $0.key < $1.key }) {
            let bundle = decodeFigures[k] ?? []
            for (i, e) in d.examples.enumerated() {
                blocks.append(.table(decodeTable(k, index: i, e)))
                for (part, caption) in [("raw", "the LM's residual stream (positions × LM width; paper Fig. 4)"),
                                        ("adapted", "the adapted residual stream (positions × compiled width; paper Fig. 5)"),
                                        ("table", "variables decoded by argmax (paper Fig. 6; green = the compiled model's value, red = not)")] {
                    let stem = "example-\(i)-\(part)"
                    guard let svg = bundle.first(where: { $0.name == stem + ".svg" }), let png = bundle.first(where: { $0.name == stem + ".png" }) else {
                        blocks.append(.paragraph("\(k) input \(i), \(part) figure: not run: \(decodeFigures[k] == nil ? "no decode figure bundle given" : "\(stem).svg/.png absent from the bundle")."))
                        continue
                    }
                    blocks.append(figures.add("decode-\(k.task.rawValue)-\(k.method.rawValue)-\(stem)", caption: "\(k) input \(i): \(caption)",
                                              svg: String(decoding: svg.bytes, as: UTF8.self), png: png.bytes))
                }
            }
            if d.examples.isEmpty { blocks.append(.paragraph("\(k): the decode stage decoded no inputs.")) }
        }
        if blocks.isEmpty { blocks.append(.paragraph("Decoding process: not run: no decode files given.")) }
        return blocks
    }
}
