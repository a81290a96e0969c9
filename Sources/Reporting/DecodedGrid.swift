// The "decoded variables" figure (the paper's Figure 6): input tokens along the top, one row per
// RASP variable, and in each cell the value decoded from the residual stream at that position,
// optionally shaded (e.g. green when it matches the compiled model, red when it does not).

public struct DecodedGrid: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var text: String
        public var fill: RGB?
        public init(_ text: String, fill: RGB? = nil) { self.text = text; self.fill = fill }
    }
    public var title: String
    public var tokens: [String]            // columns
    public var variables: [String]         // rows
    public var cells: [[Entry]]            // cells[variable][token]
    public var cellWidth: Double = 56
    public var cellHeight: Double = 22

    public init(title: String, tokens: [String], variables: [String], cells: [[Entry]]) {
        self.title = title; self.tokens = tokens; self.variables = variables; self.cells = cells
    }

    /// Standard shades for agreement and disagreement.
    public static let agree = RGB(199, 233, 192), disagree = RGB(252, 187, 161)

    /// Where the cells start (left, top) and the whole figure's size (wide enough for the
    /// variable names at 7 units a character, and for the title at 8).
    public var frame: (left: Double, top: Double, width: Double, height: Double) {
        let left = 14 + 7 * Double(variables.map(\.count).max() ?? 0), top = 56.0
        let width = max(left + Double(tokens.count) * cellWidth + 10, 12 + 8 * Double(title.count))
        return (left, top, width, top + Double(variables.count) * cellHeight + 10)
    }

    public func validate() throws {
        guard cells.count == variables.count, cells.allSatisfy({ $0.count == tokens.count }) else {
            throw ChartError(message: "decoded grid \"\(title)\": cells must be \(variables.count) variables × \(tokens.count) tokens; got rows of \(cells.map(\.count))")
        }
    }

    /// Every label: title, tokens over the columns, variable names, and each cell's value.
    public func texts() -> [ChartText] {
        let (left, top, _, _) = frame
        var out = [ChartText(title, x: 6, y: 20, size: 14)]
        for (c, tok) in tokens.enumerated() {
            out.append(ChartText(tok, x: left + (Double(c) + 0.5) * cellWidth, y: top - 8, anchor: .middle))
        }
        for (r, name) in variables.enumerated() {
            let y = top + Double(r) * cellHeight + cellHeight * 0.7
            out.append(ChartText(name, x: left - 6, y: y, anchor: .end))
            for (c, entry) in cells[r].enumerated() {
                out.append(ChartText(entry.text, x: left + (Double(c) + 0.5) * cellWidth, y: y, size: 10, anchor: .middle))
            }
        }
        return out
    }

    public func svg() throws -> String {
        try validate()
        let (left, top, width, height) = frame
        var doc = SVGDocument(width: width, height: height)
        doc.rect(x: 0, y: 0, width: width, height: height, fill: RGB(255, 255, 255))
        for (r, row) in cells.enumerated() {
            for (c, entry) in row.enumerated() {
                doc.rect(x: left + Double(c) * cellWidth, y: top + Double(r) * cellHeight, width: cellWidth, height: cellHeight,
                         fill: entry.fill ?? RGB(255, 255, 255), stroke: RGB(170, 170, 170))
            }
        }
        for t in texts() { doc.text(t) }
        return doc.render()
    }
}
