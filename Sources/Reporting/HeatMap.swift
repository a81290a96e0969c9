// Heat maps of a matrix (residual streams: tokens × dimensions, the paper's Figures 4–5) with
// row and column labels and a colour bar. Colours are quantised to a fixed number of levels so
// that a 1280-column row becomes one <rect> per run of equal colour, not one per cell.

/// A dense row-major matrix of values.
public struct Matrix: Sendable, Equatable {
    public let rows: Int, columns: Int
    public var values: [Double]      // [rows * columns], row-major
    public init(rows: Int, columns: Int, values: [Double]) throws {
        guard rows > 0, columns > 0, values.count == rows * columns else {
            throw ChartError(message: "matrix: \(rows)×\(columns) needs \(rows * columns) values, got \(values.count)")
        }
        self.rows = rows; self.columns = columns; self.values = values
    }
    public subscript(r: Int, c: Int) -> Double { values[r * columns + c] }
}

/// How values become colours.
public enum ColourScale: Sendable, Equatable {
    /// Blue at -limit, white at 0, red at +limit (signed activations).
    case diverging(limit: Double)
    /// White at `low`, dark blue at `high` (magnitudes, probabilities).
    case sequential(low: Double, high: Double)

    /// The scale's range as (low, high).
    public var bounds: (Double, Double) {
        switch self {
        case .diverging(let l): return (-l, l)
        case .sequential(let lo, let hi): return (lo, hi)
        }
    }

    /// Position of `v` in [0, 1] (clamped); NaN maps to 0.5.
    public func fraction(_ v: Double) -> Double {
        let (lo, hi) = bounds
        guard !v.isNaN, hi > lo else { return 0.5 }
        return max(0, min(1, (v - lo) / (hi - lo)))
    }

    /// The colour of fraction `t` in [0, 1].
    public func colour(atFraction t: Double) -> RGB {
        switch self {
        case .diverging:
            // 0 → (33,102,172) blue, 0.5 → white, 1 → (178,24,43) red.
            return t < 0.5 ? mix(RGB(33, 102, 172), RGB(255, 255, 255), t * 2)
                           : mix(RGB(255, 255, 255), RGB(178, 24, 43), (t - 0.5) * 2)
        case .sequential:
            return mix(RGB(255, 255, 255), RGB(8, 48, 107), t)
        }
    }

    /// The colour of `v`, quantised to `levels` steps (levels ≥ 2; odd keeps an exact middle).
    public func colour(_ v: Double, levels: Int = 33) -> RGB {
        let n = Double(max(2, levels) - 1)
        return colour(atFraction: (fraction(v) * n).rounded() / n)
    }

    /// A symmetric diverging scale fitted to the largest magnitude in `values` (1 when all are 0).
    public static func fittedDiverging(_ values: [Double]) -> ColourScale {
        let m = values.lazy.filter(\.isFinite).map(abs).max() ?? 0
        return .diverging(limit: m > 0 ? m : 1)
    }
}

/// Linear interpolation between two colours, rounded to the nearest channel value.
public func mix(_ a: RGB, _ b: RGB, _ t: Double) -> RGB {
    func ch(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * t).rounded()) }
    return RGB(ch(a.r, b.r), ch(a.g, b.g), ch(a.b, b.b))
}

public struct HeatMap: Sendable, Equatable {
    public var title: String
    public var matrix: Matrix
    public var rowLabels: [String]                 // one per row (tokens), or empty
    public var columnLabels: [Int: String]         // sparse: column index → label (e.g. every 128th dim)
    public var scale: ColourScale
    public var levels: Int = 33
    public var cellWidth: Double = 1
    public var cellHeight: Double = 12
    /// Colour of NaN cells (e.g. "not measured"); nil = NaN takes the scale's middle colour.
    public var nanColour: RGB?

    public init(title: String, matrix: Matrix, rowLabels: [String] = [], columnLabels: [Int: String] = [:],
                scale: ColourScale? = nil) {
        self.title = title; self.matrix = matrix; self.rowLabels = rowLabels; self.columnLabels = columnLabels
        self.scale = scale ?? .fittedDiverging(matrix.values)
    }

    /// Runs of equal quantised colour along row `r`: (first column, length, colour).
    public func runs(row r: Int) -> [(start: Int, length: Int, colour: RGB)] {
        var out: [(Int, Int, RGB)] = []
        for c in 0..<matrix.columns {
            let v = matrix[r, c]
            let col = v.isNaN ? (nanColour ?? scale.colour(v, levels: levels)) : scale.colour(v, levels: levels)
            if let last = out.last, last.2 == col { out[out.count - 1].1 += 1 } else { out.append((c, 1, col)) }
        }
        return out.map { (start: $0.0, length: $0.1, colour: $0.2) }
    }

    /// Checks the labels against the matrix (`svg()` starts here).
    public func validate() throws {
        guard rowLabels.isEmpty || rowLabels.count == matrix.rows else {
            throw ChartError(message: "heat map \"\(title)\": \(rowLabels.count) row labels for \(matrix.rows) rows")
        }
        if let bad = columnLabels.keys.first(where: { $0 < 0 || $0 >= matrix.columns }) {
            throw ChartError(message: "heat map \"\(title)\": column label at \(bad) outside 0..<\(matrix.columns)")
        }
    }

    public func svg() throws -> String {
        try validate()
        let L = HeatMapLayout(self)
        var doc = SVGDocument(width: L.width, height: L.height)
        doc.rect(x: 0, y: 0, width: L.width, height: L.height, fill: RGB(255, 255, 255))
        doc.raw("<g shape-rendering=\"crispEdges\">")
        for r in 0..<matrix.rows {
            for run in runs(row: r) {
                doc.rect(x: L.left + Double(run.start) * cellWidth, y: L.top + Double(r) * cellHeight,
                         width: Double(run.length) * cellWidth, height: cellHeight, fill: run.colour)
            }
        }
        doc.raw("</g>")
        for t in L.columnTicks(self) { doc.line(x1: t, y1: L.top + L.gridHeight, x2: t, y2: L.top + L.gridHeight + 4, stroke: RGB(0, 0, 0)) }
        // Colour bar: one rect per level, high at the top.
        for i in 0..<L.levels {
            doc.rect(x: L.barX, y: L.top + Double(i) * L.levelHeight, width: 12, height: L.levelHeight, fill: scale.colour(atFraction: L.barFraction(i)))
        }
        for t in L.texts(self) { doc.text(t) }
        return doc.render()
    }
}

/// Where a heat map's parts go in SVG units, for its `cellWidth` × `cellHeight` cells: label
/// column, grid, colour bar and every label. Row labels longer than `maxLabelCharacters` are cut
/// to end in '…'; the figure widens to hold its title.
public struct HeatMapLayout: Sendable {
    public static let maxLabelCharacters = 32
    /// Width per character of 11-unit labels and 14-unit titles (sans-serif estimates).
    public static let labelCharWidth = 7.0, titleCharWidth = 8.0
    public let cellWidth: Double, cellHeight: Double
    public let left: Double, top = 32.0, gridWidth: Double, gridHeight: Double
    public let barX: Double, barHeight: Double, levels: Int, width: Double, height: Double
    /// From a row's top to its label's baseline.
    public var rowBaseline: Double { 0.75 * cellHeight }

    public init(_ map: HeatMap) {
        cellWidth = map.cellWidth; cellHeight = map.cellHeight
        let chars = min(HeatMapLayout.maxLabelCharacters, map.rowLabels.map(\.count).max() ?? 0)
        left = map.rowLabels.isEmpty ? 10 : 10 + HeatMapLayout.labelCharWidth * Double(chars)
        gridWidth = Double(map.matrix.columns) * cellWidth; gridHeight = Double(map.matrix.rows) * cellHeight
        barX = left + gridWidth + 16; barHeight = max(gridHeight, 60); levels = max(2, map.levels)
        width = max(left + gridWidth + 90, 12 + HeatMapLayout.titleCharWidth * Double(map.title.count))
        height = top + max(gridHeight + 40, barHeight + 12)
    }

    /// Height of one colour-bar level, and the scale fraction of level `i` (0 = top = high).
    public var levelHeight: Double { barHeight / Double(levels) }
    public func barFraction(_ i: Int) -> Double { Double(levels - 1 - i) / Double(levels - 1) }

    /// The x of each column label kept: in column order, dropping one that would overlap the last kept.
    public func columnTicks(_ map: HeatMap) -> [Double] { keptColumns(map).map(\.x) }

    private func keptColumns(_ map: HeatMap) -> [(x: Double, label: String)] {
        var out: [(x: Double, label: String)] = [], lastEnd = -Double.infinity
        for c in map.columnLabels.keys.sorted() {
            let x = left + (Double(c) + 0.5) * cellWidth, label = map.columnLabels[c]!
            let half = HeatMapLayout.labelCharWidth * Double(label.count) / 2
            if x - half < lastEnd + 4 { continue }
            out.append((x, label)); lastEnd = x + half
        }
        return out
    }

    /// Every label: title, row labels (cut to `maxLabelCharacters`), column labels, colour-bar ends.
    public func texts(_ map: HeatMap) -> [ChartText] {
        var out = [ChartText(map.title, x: 6, y: 20, size: 14)]
        for (r, label) in map.rowLabels.enumerated() {
            out.append(ChartText(truncated(label, characters: HeatMapLayout.maxLabelCharacters), x: left - 4,
                                 y: top + Double(r) * cellHeight + rowBaseline, size: min(11, cellHeight), anchor: .end))
        }
        for (x, label) in keptColumns(map) { out.append(ChartText(label, x: x, y: top + gridHeight + 16, anchor: .middle)) }
        let (lo, hi) = map.scale.bounds
        out.append(ChartText(svgNumber(hi), x: barX + 16, y: top + 8, size: 10))
        out.append(ChartText(svgNumber(lo), x: barX + 16, y: top + barHeight, size: 10))
        return out
    }
}
