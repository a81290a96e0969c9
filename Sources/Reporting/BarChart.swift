// Grouped bar charts: one group per category (a task), one bar per method inside each group,
// a value axis with nice ticks and a legend. Missing values (a method not run on a task) leave
// a gap marked "n/a" rather than a zero-height bar.

public struct BarChart: Sendable, Equatable {
    public var title: String
    public var yLabel: String
    public var groups: [String]          // categories along x (e.g. tasks)
    public var methods: [String]         // bars within a group (legend entries)
    public var values: [[Double?]]       // values[group][method]; nil = not run
    public var yRange: ClosedRange<Double>?
    public var width: Double = 640
    public var height: Double = 400

    public init(title: String, yLabel: String, groups: [String], methods: [String], values: [[Double?]],
                yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.yLabel = yLabel; self.groups = groups; self.methods = methods
        self.values = values; self.yRange = yRange
    }

    /// Checks shapes, values and size (`svg()` starts here).
    public func validate() throws {
        guard !groups.isEmpty, !methods.isEmpty else {
            throw ChartError(message: "bar chart \"\(title)\": needs at least one group and one method (got \(groups.count), \(methods.count))")
        }
        guard values.count == groups.count, values.allSatisfy({ $0.count == methods.count }) else {
            throw ChartError(message: "bar chart \"\(title)\": values must be \(groups.count) groups × \(methods.count) methods; got rows of \(values.map(\.count))")
        }
        let present = values.flatMap { $0 }.compactMap { $0 }
        if let bad = present.first(where: { !$0.isFinite }) {
            throw ChartError(message: "bar chart \"\(title)\": non-finite value \(bad); use nil for a method that was not run")
        }
        guard width >= 300, height >= 150, yRange.map({ $0.upperBound > $0.lowerBound }) ?? true else {
            throw ChartError(message: "bar chart \"\(title)\": size \(width)×\(height) must be at least 300×150 and yRange non-empty (got \(String(describing: yRange)))")
        }
    }

    public func svg() throws -> String {
        try validate()
        let L = BarChartLayout(self)
        var doc = SVGDocument(width: width, height: height)
        doc.rect(x: 0, y: 0, width: width, height: height, fill: RGB(255, 255, 255))
        for t in L.ticks { doc.line(x1: L.left, y1: L.py(t), x2: L.right, y2: L.py(t), stroke: RGB(221, 221, 221)) }
        for g in groups.indices {
            for m in methods.indices {
                guard let v = values[g][m] else { continue }
                let y = L.py(max(L.lo, min(L.hi, v))), base = L.py(max(L.lo, min(L.hi, 0)))
                doc.rect(x: L.barX(group: g, method: m), y: min(y, base), width: L.barWidth, height: abs(base - y),
                         fill: seriesPalette[m % seriesPalette.count])
            }
        }
        doc.line(x1: L.left, y1: L.bottom, x2: L.right, y2: L.bottom, stroke: RGB(0, 0, 0))
        doc.line(x1: L.left, y1: L.top, x2: L.left, y2: L.bottom, stroke: RGB(0, 0, 0))
        for m in methods.indices {
            doc.rect(x: L.right + 14, y: L.legendY(m), width: 14, height: 12, fill: seriesPalette[m % seriesPalette.count])
        }
        for t in L.texts(self) { doc.text(t) }
        return doc.render()
    }
}

/// The data→SVG-unit mapping of a bar chart (valid input only).
public struct BarChartLayout: Sendable {
    public let lo: Double, hi: Double, ticks: [Double]
    public let left = 64.0, top = 36.0, right: Double, bottom: Double
    public let groupWidth: Double, barWidth: Double

    public init(_ chart: BarChart) {
        let present = chart.values.flatMap { $0 }.compactMap { $0 }
        let lo = chart.yRange?.lowerBound ?? min(0, present.min() ?? 0)
        var hi = chart.yRange?.upperBound ?? max(present.max() ?? 1, lo + 1e-9)
        var ticks = niceTicks(lo, hi)
        if chart.yRange == nil, let last = ticks.last, last < hi, ticks.count > 1 { hi = last + (ticks[1] - ticks[0]); ticks.append(hi) }
        self.lo = lo; self.hi = hi; self.ticks = ticks
        right = chart.width - 170; bottom = chart.height - 52
        groupWidth = (right - left) / Double(max(1, chart.groups.count))
        barWidth = groupWidth * 0.8 / Double(max(1, chart.methods.count))
    }

    public func py(_ v: Double) -> Double { bottom - (v - lo) / (hi - lo) * (bottom - top) }
    public func barX(group g: Int, method m: Int) -> Double { left + Double(g) * groupWidth + groupWidth * 0.1 + Double(m) * barWidth }
    /// The top of legend entry `m`'s swatch.
    public func legendY(_ m: Int) -> Double { top + Double(m) * 18 }

    /// Every label of the chart: title, tick labels, "n/a" over missing bars, group names,
    /// the y-axis title and legend entries.
    public func texts(_ chart: BarChart) -> [ChartText] {
        var out = [ChartText(chart.title, x: chart.width / 2, y: 20, size: 14, anchor: .middle)]
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for t in ticks { out.append(ChartText(tickLabel(t, step: step), x: left - 6, y: py(t) + 4, anchor: .end)) }
        for (g, name) in chart.groups.enumerated() {
            for m in chart.methods.indices where chart.values[g][m] == nil {
                out.append(ChartText("n/a", x: barX(group: g, method: m) + barWidth / 2, y: bottom - 4, size: 9, anchor: .middle))
            }
            out.append(ChartText(name, x: left + (Double(g) + 0.5) * groupWidth, y: bottom + 18, anchor: .middle))
        }
        out.append(ChartText(chart.yLabel, x: 16, y: (top + bottom) / 2, anchor: .middle, rotated: true))
        for (m, name) in chart.methods.enumerated() { out.append(ChartText(name, x: right + 34, y: legendY(m) + 10)) }
        return out
    }
}
