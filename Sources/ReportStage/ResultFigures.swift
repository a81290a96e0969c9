// The report's charts: noise curves (accuracy vs noise norm per subspace, METHOD §5.7), training
// curves (loss terms and per-layer cosine vs step from log.jsonl), decoding accuracy per layer
// (mean over variables, model vs control; and variables × layers heat maps). Each figure is SVG
// for the HTML page and a PNG file (figures/<name>.png, that SVG rendered by librsvg) for the
// Markdown report.
import Decoding
import Reporting
import StageFiles

/// Collects figures and the PNG files they reference.
public struct FigureSet: Sendable {
    public private(set) var pngs: [BundleFile] = []
    public init() {}

    /// Registers a PNG under figures/<name>.png and returns the page's figure block.
    public mutating func add(_ name: String, caption: String, svg: String, png: [UInt8]) -> Block {
        let path = "figures/\(name).png"
        pngs.append(BundleFile(path, png))
        return .figure(Figure(caption: caption, svg: svg, pngPath: path))
    }

    /// Registers a figure given as SVG, its PNG rendered from that SVG.
    public mutating func add(_ name: String, caption: String, svg: String) throws -> Block {
        add(name, caption: caption, svg: svg, png: try renderPNG(svg: svg))
    }

    public mutating func add(_ name: String, caption: String, chart: LineChart) throws -> Block {
        try add(name, caption: caption, svg: chart.svg())
    }

    public mutating func add(_ name: String, caption: String, heatMap: HeatMap) throws -> Block {
        try add(name, caption: caption, svg: heatMap.svg())
    }
}

extension ReportInputs {
    /// Accuracy vs noise norm, one chart per evaluated run and scale (absolute norms / multiples of the mean residual norm).
    public func noiseBlocks(_ figures: inout FigureSet) throws -> [Block] {
        var blocks: [Block] = []
        for k in evaluations.keys.sorted() {
            guard let e = evaluations[k] else { continue }
            guard case .value(let noise) = e.noise else {
                let reason: String
                if case .notRun(let r) = e.noise { reason = r } else { reason = "the evaluation has no noise part" }
                blocks.append(.paragraph("\(k): noise experiment not run: \(reason)."))
                continue
            }
            for relative in [false, true] {
                let points = noise.points.filter { $0.relative == relative }
                if points.isEmpty { continue }
                let subspaces = Array(Set(points.map(\.subspace))).sorted()
                let series = subspaces.map { s in
                    Series(name: s, points: points.filter { $0.subspace == s }.sorted { $0.norm < $1.norm }.map { .init($0.norm, $0.accuracy.value) })
                }
                let scale = relative ? "× mean residual norm (\(fixedDecimal(noise.mean_residual_norm, digits: 2)))" : "absolute norm"
                let chart = LineChart(title: "\(k.task.title), \(k.method.title): noise after block \(noise.block)",
                                      xLabel: "noise norm, \(scale)", yLabel: "task accuracy", series: series, yRange: 0...1)
                blocks.append(try figures.add("noise-\(k.task.rawValue)-\(k.method.rawValue)-\(relative ? "relative" : "absolute")",
                                              caption: "\(k): accuracy vs Gaussian noise of fixed norm in a subspace (\(scale)); answer = the adapter's output-variable rows, uniform = the paper's control, orthonormal = graft's control",
                                              chart: chart))
            }
            let rows: [[Cell]] = noise.points.map {
                [.text($0.subspace), .text($0.relative ? "relative" : "absolute"), .number($0.norm, .fixed(2)),
                 .number($0.accuracy.value, .percent(1)), .text("\($0.accuracy.correct)/\($0.accuracy.total)")]
            }
            blocks.append(.table(Table(title: "\(k): noise points (block \(noise.block), mean residual norm \(fixedDecimal(noise.mean_residual_norm, digits: 3)))",
                                       columns: ["subspace", "scale", "norm", "accuracy", "correct/total"], rows: rows)))
        }
        if blocks.isEmpty { blocks.append(.paragraph("Noise experiment: not run: no evaluation files given.")) }
        return blocks
    }

    /// Validation accuracy vs step (both methods of a task in one chart, from summary.json), then
    /// loss terms and per-layer cosine vs step, from each run's log.jsonl.
    public func trainingCurveBlocks(_ figures: inout FigureSet) throws -> [Block] {
        var blocks: [Block] = []
        for task in TaskName.allCases {
            var curves = [MethodName.baseline, .injection].compactMap { method -> Series? in
                guard let c = distill[RunKey(task, method)]?.validation_accuracy_curve, !c.isEmpty else { return nil }
                return Series(name: method.title, points: c.map { Series.Point(Double($0.step), 100 * $0.accuracy) })
            }
            if let c = distill[RunKey(task, .injection)]?.validation_accuracy_rolled_curve, !c.isEmpty {
                curves.append(Series(name: "\(MethodName.injection.title), with detach-and-roll",
                                     points: c.map { Series.Point(Double($0.step), 100 * $0.accuracy) }))
            }
            if !curves.isEmpty {
                blocks.append(try figures.add("training-\(task.rawValue)-accuracy",
                                              caption: "\(task.title): exact-match accuracy on held-out training examples during distillation (summary.json); \"with detach-and-roll\": the same with everything outside the injected output subspace taken from another example",
                                              chart: LineChart(title: "\(task.title): validation accuracy vs step", xLabel: "step", yLabel: "accuracy (%)",
                                                               series: curves, yRange: 0...100)))
            }
        }
        for task in TaskName.allCases {
            for method in [MethodName.baseline, .injection] {
                let k = RunKey(task, method)
                guard let log = logs[k], !log.isEmpty else {
                    blocks.append(.paragraph("\(k): training curves not run: no distill log given."))
                    continue
                }
                var series: [Series] = []
                let terms: [(String, (DistillLogLine) -> Double?)] = [("loss", { $0.loss }), ("ce", { $0.ce }), ("alg", { $0.alg }), ("kl", { $0.kl })]
                for (name, get) in terms {
                    let pts = log.compactMap { s in get(s).flatMap { $0.isFinite ? Series.Point(Double(s.step), $0) : nil } }
                    if !pts.isEmpty { series.append(Series(name: name, points: pts)) }
                }
                if !series.isEmpty {
                    blocks.append(try figures.add("training-\(task.rawValue)-\(method.rawValue)-loss",
                                                  caption: "\(k): loss terms per step (log.jsonl)",
                                                  chart: LineChart(title: "\(task.title), \(method.title): loss terms", xLabel: "step", yLabel: "loss", series: series)))
                }
                let layers = log.compactMap { $0.cos?.count }.max() ?? 0
                if layers > 0 {
                    let cos = (0..<layers).map { i in
                        Series(name: "layer \(i)", points: log.compactMap { s in s.cos.flatMap { i < $0.count && $0[i].isFinite ? Series.Point(Double(s.step), $0[i]) : nil } })
                    }
                    blocks.append(try figures.add("training-\(task.rawValue)-\(method.rawValue)-cosine",
                                                  caption: "\(k): cosine similarity of the adapted LM residual and the compiled residual per aligned layer",
                                                  chart: LineChart(title: "\(task.title), \(method.title): cosine per layer", xLabel: "step", yLabel: "cosine", series: cos)))
                }
            }
        }
        return blocks
    }

    /// Mean decoding accuracy per layer (model vs control) and variables × layers heat maps.
    public func decodingAccuracyBlocks(_ figures: inout FigureSet) throws -> [Block] {
        var blocks: [Block] = []
        for (k, d) in decodes.sorted(by: { $0.key < $1.key }) {
            if let s = d.scored {
                var text = "\(k): \(s.examples) held-out examples scored (\(s.positions) LM positions)"
                if let n = s.too_long, n > 0 { text += "; \(n) test rows left out: longer than the compiled model's max_seq_len" }
                if let f = s.fit_examples, let r = s.fit_rows { text += "; least-squares fit on \(f) training examples (\(r) rows, ridge \(s.ridge.map { String($0) } ?? "?"))" }
                if let n = s.fit_too_long, n > 0 { text += ", \(n) training rows left out as too long" }
                blocks.append(.paragraph(text + "."))
            }
            var series: [Series] = []
            var maps: [(String, LayerAccuracy)] = []
            for (name, part) in [("\(k.method.title)", Optional(d.accuracy)), ("control: baseline + least squares", d.control)] {
                switch part {
                case .value(let acc)?:
                    maps.append((name, acc))
                    let layers = acc.values.map(\.count).max() ?? 0
                    let mean = (0..<layers).compactMap { l -> Series.Point? in
                        let present = acc.values.compactMap { l < $0.count ? $0[l] : nil }
                        return present.isEmpty ? nil : Series.Point(Double(l), present.reduce(0, +) / Double(present.count))
                    }
                    if !mean.isEmpty { series.append(Series(name: name, points: mean)) }
                case .notRun(let r)?: blocks.append(.paragraph("\(k) \(name): decoding accuracy not run: \(r)."))
                case nil: blocks.append(.paragraph("\(k) \(name): decoding accuracy not run: the decode stage was given no baseline."))
                }
            }
            if !series.isEmpty {
                blocks.append(try figures.add("decoding-\(k.task.rawValue)-\(k.method.rawValue)-mean",
                                              caption: "\(k): decoding accuracy per aligned layer, mean over the variables the compiled model has written by that layer, against its values on held-out examples",
                                              chart: LineChart(title: "\(k.task.title): decoding accuracy per layer", xLabel: "aligned layer", yLabel: "accuracy (mean over variables)",
                                                               series: series, yRange: 0...1)))
            }
            for (i, (name, acc)) in maps.enumerated() where !acc.isEmpty {
                let vars = acc.keys.sorted(), layers = acc.values.map(\.count).max() ?? 0
                guard layers > 0 else { continue }
                let m = try Matrix(rows: vars.count, columns: layers,
                                   values: vars.flatMap { v in (0..<layers).map { l in (acc[v]!.count > l ? acc[v]![l] : nil) ?? .nan } })
                var hm = HeatMap(title: "\(k.task.title), \(name): accuracy per variable (rows) and layer (columns)", matrix: m, rowLabels: vars,
                                 columnLabels: Dictionary(uniqueKeysWithValues: (0..<layers).map { ($0, String($0)) }), scale: .sequential(low: 0, high: 1))
                hm.cellWidth = 24
                hm.nanColour = RGB(221, 221, 221)
                blocks.append(try figures.add("decoding-\(k.task.rawValue)-\(k.method.rawValue)-\(i == 0 ? "model" : "control")",
                                              caption: "\(k) \(name): decoding accuracy of each variable at each aligned layer (white 0, dark blue 1; grey: the compiled model has not written the variable yet)", heatMap: hm))
            }
        }
        if blocks.isEmpty { blocks.append(.paragraph("Decoding accuracy: not run: no decode files given.")) }
        return blocks
    }
}
