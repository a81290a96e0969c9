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

    public func svg() throws -> String {
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
        let L = BarChartLayout(self)
        let (lo, hi, ticks, left, right, top, bottom) = (L.lo, L.hi, L.ticks, L.left, L.right, L.top, L.bottom)
        func py(_ v: Double) -> Double { L.py(v) }
        var doc = SVGDocument(width: width, height: height)
        doc.rect(x: 0, y: 0, width: width, height: height, fill: RGB(255, 255, 255))
        doc.text(title, x: width / 2, y: 20, size: 14, anchor: "middle")
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for t in ticks {
            doc.line(x1: left, y1: py(t), x2: right, y2: py(t), stroke: RGB(221, 221, 221))
            doc.text(tickLabel(t, step: step), x: left - 6, y: py(t) + 4, anchor: "end")
        }
        let groupWidth = L.groupWidth, barWidth = L.barWidth
        for (g, name) in groups.enumerated() {
            for m in methods.indices {
                let x = L.barX(group: g, method: m)
                if let v = values[g][m] {
                    let y = py(max(lo, min(hi, v))), base = py(max(lo, min(hi, 0)))
                    doc.rect(x: x, y: min(y, base), width: barWidth, height: abs(base - y), fill: seriesPalette[m % seriesPalette.count])
                } else {
                    doc.text("n/a", x: x + barWidth / 2, y: bottom - 4, size: 9, anchor: "middle")
                }
            }
            doc.text(name, x: left + (Double(g) + 0.5) * groupWidth, y: bottom + 18, anchor: "middle")
        }
        doc.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: RGB(0, 0, 0))
        doc.line(x1: left, y1: top, x2: left, y2: bottom, stroke: RGB(0, 0, 0))
        doc.text(yLabel, x: 16, y: (top + bottom) / 2, anchor: "middle", rotate: -90)
        for (m, name) in methods.enumerated() {
            let ly = top + Double(m) * 18
            doc.rect(x: right + 14, y: ly, width: 14, height: 12, fill: seriesPalette[m % seriesPalette.count])
            doc.text(name, x: right + 34, y: ly + 10)
        }
        return doc.render()
    }
}

/// The data→pixel mapping of a bar chart, shared by the SVG and the rasteriser (valid input only).
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
}
