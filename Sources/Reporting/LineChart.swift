// Line charts with several series (training curves, accuracy against noise): axes with nice
// ticks, axis labels, a legend at the right. The geometry and every label live in
// `LineChartLayout`; the PNG is rendered from the SVG (RenderPNG.swift).

/// One named series of (x, y) points, drawn in order.
public struct Series: Sendable, Equatable {
    public var name: String
    public var points: [Point]
    public init(name: String, points: [Point]) { self.name = name; self.points = points }
    public struct Point: Sendable, Equatable {
        public var x: Double, y: Double
        public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    }
}

public struct LineChart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed y range (e.g. 0...1 for accuracy); nil fits the data.
    public var yRange: ClosedRange<Double>?
    public var width: Double = 640
    public var height: Double = 400

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.yRange = yRange
    }
}

public struct ChartError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// Plot area and data-to-pixel mapping of a line chart. The figure widens past `chart.width`
/// when the longest legend entry needs more than the 170 units right of the plot.
public struct LineChartLayout: Sendable {
    /// Width per character of 11-unit legend text (a sans-serif estimate, as `HeatMapLayout`'s).
    public static let legendCharWidth = 7.0
    public let left = 64.0, top = 36.0, right: Double, bottom: Double, width: Double
    public let xTicks: [Double], yTicks: [Double]
    public let xMin: Double, xMax: Double, yMin: Double, yMax: Double

    public init(_ chart: LineChart) throws {
        let pts = chart.series.flatMap(\.points)
        guard !pts.isEmpty else { throw ChartError(message: "line chart \"\(chart.title)\": no points in any series; give at least one series with a point") }
        if let bad = pts.first(where: { !$0.x.isFinite || !$0.y.isFinite }) {
            throw ChartError(message: "line chart \"\(chart.title)\": non-finite point (\(bad.x), \(bad.y)); drop or fix it before plotting")
        }
        guard chart.width >= 300, chart.height >= 150, chart.width <= 20_000, chart.height <= 20_000 else {
            throw ChartError(message: "line chart \"\(chart.title)\": size \(chart.width)×\(chart.height) outside 300…20000 × 150…20000 (the legend and axes need room)")
        }
        right = chart.width - 170
        bottom = chart.height - 52
        let legendChars = chart.series.map(\.name.count).max() ?? 0
        width = max(chart.width, right + 40 + LineChartLayout.legendCharWidth * Double(legendChars) + 10)
        let xs = pts.map(\.x), ys = pts.map(\.y)
        let (xt, x0, x1) = LineChartLayout.axis(xs.min()!, xs.max()!)
        let (yt, y0, y1) = chart.yRange.map { r in (niceTicks(r.lowerBound, r.upperBound), r.lowerBound, r.upperBound) }
            ?? LineChartLayout.axis(ys.min()!, ys.max()!)
        xTicks = xt; yTicks = yt; xMin = x0; xMax = x1; yMin = y0; yMax = y1 == y0 ? y0 + 1 : y1
    }

    /// Ticks and the range they span (widened to the outer ticks; a single value gets ±1).
    private static func axis(_ lo: Double, _ hi: Double) -> ([Double], Double, Double) {
        let (a, b) = lo == hi ? (lo - 1, hi + 1) : (lo, hi)
        let t = niceTicks(a, b)
        let step = t.count > 1 ? t[1] - t[0] : 1
        let lo2 = min(a, (t.first ?? a) > a ? (t.first ?? a) - step : (t.first ?? a))
        let hi2 = max(b, (t.last ?? b) < b ? (t.last ?? b) + step : (t.last ?? b))
        return (niceTicks(lo2, hi2), lo2, hi2)
    }

    public func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (right - left) }
    public func py(_ y: Double) -> Double { bottom - (y - yMin) / (yMax - yMin) * (bottom - top) }
}

extension LineChartLayout {
    /// Every label of the chart: title, tick labels, axis titles and legend entries.
    public func texts(_ chart: LineChart) -> [ChartText] {
        var out = [ChartText(chart.title, x: chart.width / 2, y: 20, size: 14, anchor: .middle)]
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        for t in yTicks { out.append(ChartText(tickLabel(t, step: yStep), x: left - 6, y: py(t) + 4, anchor: .end)) }
        for t in xTicks { out.append(ChartText(tickLabel(t, step: xStep), x: px(t), y: bottom + 18, anchor: .middle)) }
        out.append(ChartText(chart.xLabel, x: (left + right) / 2, y: chart.height - 14, anchor: .middle))
        out.append(ChartText(chart.yLabel, x: 16, y: (top + bottom) / 2, anchor: .middle, rotated: true))
        for (i, s) in chart.series.enumerated() { out.append(ChartText(s.name, x: right + 40, y: legendY(i) + 4)) }
        return out
    }

    /// The y of legend entry `i`'s swatch line.
    public func legendY(_ i: Int) -> Double { top + 8 + Double(i) * 18 }
}

extension LineChart {
    /// The chart as a self-contained SVG document.
    public func svg() throws -> String {
        let L = try LineChartLayout(self)
        var doc = SVGDocument(width: L.width, height: height)
        let axis = RGB(0, 0, 0), grid = RGB(221, 221, 221)
        doc.rect(x: 0, y: 0, width: L.width, height: height, fill: RGB(255, 255, 255))
        for t in L.yTicks { doc.line(x1: L.left, y1: L.py(t), x2: L.right, y2: L.py(t), stroke: grid) }
        for t in L.xTicks { doc.line(x1: L.px(t), y1: L.bottom, x2: L.px(t), y2: L.bottom + 5, stroke: axis) }
        doc.line(x1: L.left, y1: L.bottom, x2: L.right, y2: L.bottom, stroke: axis)
        doc.line(x1: L.left, y1: L.top, x2: L.left, y2: L.bottom, stroke: axis)
        for (i, s) in series.enumerated() {
            let colour = seriesPalette[i % seriesPalette.count]
            doc.polyline(s.points.map { (L.px($0.x), L.py($0.y)) }, stroke: colour)
            doc.line(x1: L.right + 14, y1: L.legendY(i), x2: L.right + 34, y2: L.legendY(i), stroke: colour, width: 3)
        }
        for t in L.texts(self) { doc.text(t) }
        return doc.render()
    }
}
