// report.json ("graft-report", version 1): every number of a report under a stable name
// (table3/<task>/<method>/accuracy, table2/…/<set>, noise/…, distill/…, decode/…, wall/…), the
// reasons of the cells that did not run, and the run's facts. `report diff` compares two of them
// metric by metric with Reporting.reportDiff.
import Decoding
import Foundation
import Reporting
import StageFiles

public struct ReportMeta: Codable, Sendable, Equatable {
    public var title: String
    public var profile: String
    public var base_model: String
    public var commit: String
    public var inputs: [InputFile]
}

public struct ReportJSON: Codable, Sendable, Equatable {
    public var format = ReportJSON.format
    public var version = 1
    public var meta: ReportMeta
    public var metrics: [String: Metric]
    public var not_run: [String: String]
    public static let format = "graft-report"

    /// Headline numbers for the pipeline lock ($GRAFT_METRICS): Table 3 accuracy of every run
    /// present, and how many numbers and not-run cells the report has.
    public var headlineMetrics: [String: Double] {
        var out: [String: Double] = ["numbers": Double(metrics.count), "not_run": Double(not_run.count)]
        for (name, m) in metrics where name.hasPrefix("table3/") && name.hasSuffix("/accuracy") {
            out[name.dropFirst("table3/".count).replacingOccurrences(of: "/", with: "_")] = m.value
        }
        return out
    }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }

    /// Reads report.json, or the report.json beside a report.md / inside a report directory.
    public static func read(_ path: String) throws -> ReportJSON {
        var file = path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { file = path + "/report.json" }
        else if path.hasSuffix(".md") { file = (path as NSString).deletingLastPathComponent.appendingPathComponentIfAny("report.json") }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ReportError("cannot read \(file); `report build --out-json` writes it beside report.md")
        }
        let r: ReportJSON
        do { r = try JSONDecoder().decode(ReportJSON.self, from: data) } catch {
            throw ReportError("\(file): not a readable graft-report file (\(error))")
        }
        guard r.format == format, r.version == 1 else { throw ReportError("\(file): format \(r.format) version \(r.version), expected \(format) version 1") }
        return r
    }
}

private extension String {
    func appendingPathComponentIfAny(_ c: String) -> String { isEmpty ? c : self + "/" + c }
}

extension ReportInputs {
    /// Every number the report shows, by name, and why the missing ones are missing.
    public func flatMetrics() -> (metrics: [String: Metric], notRun: [String: String]) {
        var metrics: [String: Metric] = [:], notRun: [String: String] = [:]
        /// A part's number, or why it did not run.
        func put<T>(_ name: String, _ part: Part<T>, _ metric: (T) -> Metric) {
            switch part {
            case .value(let v): metrics[name] = metric(v)
            case .notRun(let r): notRun[name] = r
            }
        }
        for task in TaskName.allCases {
            for method in MethodName.allCases {
                let k = RunKey(task, method), base = "table3/\(k)"
                guard let e = evaluations[k] else {
                    for m in ["accuracy", "perplexity_mean_per_line", "perplexity_token_weighted", "sst2", "mrpc", "lambada"] {
                        notRun["\(base)/\(m)"] = missingEvaluation(k)
                    }
                    for s in paperTable2(task) { notRun["table2/\(k)/\(s.set)"] = missingEvaluation(k) }
                    continue
                }
                metrics["\(base)/accuracy"] = Metric(e.accuracy.proportion)
                put("\(base)/perplexity_mean_per_line", e.perplexity) { Metric($0.mean_per_line, unit: "perplexity", higherIsBetter: false) }
                put("\(base)/perplexity_token_weighted", e.perplexity) { Metric($0.token_weighted, unit: "perplexity", higherIsBetter: false) }
                put("\(base)/sst2", e.sst2) { Metric($0.proportion) }
                put("\(base)/mrpc", e.mrpc) { Metric($0.proportion) }
                put("\(base)/lambada", e.lambada) { Metric($0.proportion) }
                switch e.ood {
                case .value(let sets):
                    for (s, p) in sets { metrics["table2/\(k)/\(s)"] = Metric(p.proportion) }
                    for s in paperTable2(task) where sets[s.set] == nil { notRun["table2/\(k)/\(s.set)"] = "set absent from the evaluation" }
                case .notRun(let r): for s in paperTable2(task) { notRun["table2/\(k)/\(s.set)"] = r }
                }
                if case .value(let n) = e.noise {
                    for p in n.points {
                        metrics["noise/\(k)/\(p.subspace)/\(p.relative ? "relative" : "absolute")/\(fixedDecimal(p.norm, digits: 3))"] =
                            Metric(p.accuracy.proportion, higherIsBetter: nil)
                    }
                } else if case .notRun(let r) = e.noise { notRun["noise/\(k)"] = r }
                for (part, v) in evaluationTimings[k]?.wall_seconds ?? [:] { metrics["wall/evaluate/\(k)/\(part)"] = Metric(v, unit: "s", higherIsBetter: false) }
            }
        }
        for (k, s) in distill {
            let base = "distill/\(k)"
            for (name, v, higher) in [("final_loss", s.final.loss, false), ("final_ce", s.final.ce, false), ("final_alg", s.final.alg, false),
                                      ("final_kl", s.final.kl, false), ("tokens_per_second", Optional(s.tokens_per_second), true)] {
                if let v { metrics["\(base)/\(name)"] = Metric(v, unit: name == "tokens_per_second" ? "tokens/s" : "", higherIsBetter: higher) }
            }
            for (i, c) in (s.cosine_per_layer ?? []).enumerated() { metrics["\(base)/cosine/layer\(i)"] = Metric(c, unit: "cosine", higherIsBetter: true) }
            metrics["\(base)/steps"] = Metric(Double(s.steps), unit: "steps")
            metrics["wall/distill/\(k)/total"] = Metric(s.wall_seconds, unit: "s", higherIsBetter: false)
        }
        for (k, d) in decodes {
            for (side, part) in [("model", Optional(d.accuracy)), ("control", d.control)] {
                switch part {
                case .value(let acc)?:
                    for (v, layers) in acc {
                        for (l, x) in layers.enumerated() {
                            let name = "decode/\(k)/\(side)/\(v)/layer\(l)"
                            if let x { metrics[name] = Metric(x, unit: "fraction", higherIsBetter: true) } else { notRun[name] = "not written by the compiled model yet" }
                        }
                    }
                case .notRun(let r)?: notRun["decode/\(k)/\(side)"] = r
                case nil: notRun["decode/\(k)/\(side)"] = "no baseline given to the decode stage"
                }
            }
            for (part, v) in d.wall_seconds { metrics["wall/decode/\(k)/\(part)"] = Metric(v, unit: "s", higherIsBetter: false) }
        }
        return (metrics, notRun)
    }
}

/// `report diff A B`: the metric-by-metric comparison of two reports, as Markdown.
public func diffReports(_ a: String, _ b: String) throws -> (diff: MetricDiff, markdown: String) {
    let ra = try ReportJSON.read(a), rb = try ReportJSON.read(b)
    let d = reportDiff(a: ra.metrics, b: rb.metrics, labelA: "A", labelB: "B")
    var md = "# report diff\n\nA: \(a) (profile \(ra.meta.profile), commit \(ra.meta.commit))\n\nB: \(b) (profile \(rb.meta.profile), commit \(rb.meta.commit))\n\n"
    md += try d.markdown()
    let changedNotRun = Set(ra.not_run.keys).symmetricDifference(rb.not_run.keys).sorted()
    if !changedNotRun.isEmpty {
        md += "\nNot run in only one report:\n\n" + changedNotRun.map { "- \($0): " + (ra.not_run[$0].map { "A: \($0)" } ?? "B: \(rb.not_run[$0]!)") }.joined(separator: "\n") + "\n"
    }
    return (d, md)
}
