// The report's tables: Table 3 (accuracy, perplexity, SST-2, MRPC, LAMBADA per task × method)
// and Table 2 (out-of-distribution), graft's figure beside the paper's in every column; the
// training summary; the wall times. A missing input or a part that did not run is an explicit
// "not run: reason" cell, never a blank.
import Decoding
import Reporting
import StageFiles

extension Fraction {
    var proportion: Proportion { Proportion(correct: correct, total: total) }
}

/// An accuracy cell: the value with its interval and count, and, against a reference accuracy
/// (the untouched model's), whether the difference is significant ("↑ vs …", "↓ vs …" or "n.s. vs …").
func accuracyCell(_ part: Part<Fraction>?, missing: String, against reference: (Fraction, String)? = nil) -> Cell {
    switch part {
    case .value(let f)?:
        let note = reference.map { ref, name -> String in
            switch f.proportion.compared(with: ref.proportion) {
            case .higher: "↑ vs \(name)"
            case .lower: "↓ vs \(name)"
            case .notSignificant: "n.s. vs \(name)"
            }
        }
        return .proportion(f.proportion, note: note)
    case .notRun(let reason)?: return .notRun(reason: reason)
    case nil: return .notRun(reason: missing)
    }
}

/// The cell of an optional part: its number, or why there is none.
func cell<T>(_ part: Part<T>?, missing: String, format: NumberFormat = .percent(1), _ number: (T) -> Double) -> Cell {
    switch part {
    case .value(let v)?: return .number(number(v), format)
    case .notRun(let reason)?: return .notRun(reason: reason)
    case nil: return .notRun(reason: missing)
    }
}

extension ReportInputs {
    func missingEvaluation(_ key: RunKey) -> String { "no evaluation of \(key) given" }

    /// Why a field of `key`'s evaluation has no value ("no evaluation …" or "… lacks field").
    func evaluationCell<T>(_ key: RunKey, _ field: String, format: NumberFormat = .percent(1),
                           _ get: (EvaluationFile) -> Part<T>?, _ number: (T) -> Double) -> Cell {
        guard let e = evaluations[key] else { return .notRun(reason: missingEvaluation(key)) }
        return cell(get(e), missing: "the evaluation of \(key) has no \(field)", format: format, number)
    }

    /// Table 3 of the paper with graft's numbers: one row per task × method.
    public func table3() -> Table {
        let columns = ["Task", "Method", "Accuracy ↑ (graft)", "Accuracy (paper)", "Perplexity ↓ mean per line (graft)",
                       "Perplexity (paper)", "Perplexity token-weighted (graft)", "SST-2 ↑ (graft)", "SST-2 (paper)",
                       "MRPC ↑ (graft)", "MRPC (paper)", "LAMBADA ↑ (graft)", "LAMBADA (paper)"]
        var rows: [[Cell]] = []
        for task in TaskName.allCases {
            for method in MethodName.allCases {
                let k = RunKey(task, method), p = paperTable3(k)
                let untouched = method == .none ? nil : evaluations[RunKey(task, .none)]
                /// The accuracy of `field`, compared with the untouched model's where both were measured.
                func accuracy(_ field: String, _ get: (EvaluationFile) -> Part<Fraction>) -> Cell {
                    guard let e = evaluations[k] else { return .notRun(reason: missingEvaluation(k)) }
                    return accuracyCell(get(e), missing: "the evaluation of \(k) has no \(field)",
                                        against: untouched.flatMap { get($0).value }.map { ($0, "no editing") })
                }
                rows.append([
                    .text(task.title), .text(method.title),
                    accuracy("accuracy") { .value($0.accuracy) }, .number(p.accuracy, .percent(1)),
                    evaluationCell(k, "perplexity", format: .fixed(2), { $0.perplexity }, \.mean_per_line), .number(p.perplexity, .fixed(1)),
                    evaluationCell(k, "perplexity", format: .fixed(2), { $0.perplexity }, \.token_weighted),
                    accuracy("sst2", \.sst2), .number(p.sst2, .percent(1)),
                    accuracy("mrpc", \.mrpc), .number(p.mrpc, .percent(1)),
                    accuracy("lambada", \.lambada), .number(p.lambada, .percent(1)),
                ])
            }
        }
        return Table(title: "Table 3: in-distribution accuracy, perplexity and general-ability benchmarks (graft beside the paper's published numbers)",
                     columns: columns, rows: rows)
    }

    /// The OOD accuracy of one set for one run.
    func oodCell(_ key: RunKey, set: String) -> Cell {
        guard let e = evaluations[key] else { return .notRun(reason: missingEvaluation(key)) }
        switch e.ood {
        case .notRun(let r): return .notRun(reason: r)
        case .value(let sets):
            return accuracyCell(sets[set].map { .value($0) }, missing: "set \(set) absent from the evaluation of \(key)")
        }
    }

    /// Table 2 of the paper (TI = Tracr Injection, FT = Finetuning + KL) with graft's numbers and
    /// the untouched model's; sets graft evaluated that the paper has no row for are added at the end.
    public func table2() -> Table {
        let columns = ["Task", "Test data", "graft set", "TI (graft)", "TI (paper)", "FT (graft)", "FT (paper)", "No editing (graft)"]
        var rows: [[Cell]] = []
        for task in TaskName.allCases {
            let paper = paperTable2(task)
            var sets = paper.map { ($0.set, $0.title, Optional($0)) }
            var extra = Set<String>()
            for m in MethodName.allCases {
                if case .value(let s)? = evaluations[RunKey(task, m)]?.ood { extra.formUnion(s.keys) }
            }
            for s in extra.subtracting(paper.map(\.set)).sorted() { sets.append((s, s, nil)) }
            for (set, title, p) in sets {
                rows.append([
                    .text(task.title), .text(title), .text(set),
                    oodCell(RunKey(task, .injection), set: set), p.map { .number($0.injection, .percent(1)) } ?? .text("not reported"),
                    oodCell(RunKey(task, .baseline), set: set), p.map { .number($0.baseline, .percent(1)) } ?? .text("not reported"),
                    oodCell(RunKey(task, .none), set: set),
                ])
            }
        }
        return Table(title: "Table 2: out-of-distribution accuracy (graft beside the paper's published numbers)", columns: columns, rows: rows)
    }

    /// One row per distill run: steps, final loss terms, wall time, speed, memory.
    public func trainingTable() -> Table {
        var rows: [[Cell]] = []
        for task in TaskName.allCases {
            for method in [MethodName.baseline, .injection] {
                let k = RunKey(task, method)
                guard let s = distill[k] else {
                    rows.append([.text(task.title), .text(method.title)] + Array(repeating: .notRun(reason: "no distill summary of \(k) given"), count: 9))
                    continue
                }
                func n(_ v: Double?, _ f: NumberFormat, _ what: String) -> Cell {
                    v.map { .number($0, f) } ?? .notRun(reason: method == .baseline && (what == "alg" || what == "cosine") ? "the baseline has no algorithm loss" : "summary has no \(what)")
                }
                rows.append([.text(task.title), .text(method.title), .number(Double(s.steps), .integer),
                             n(s.final.loss, .fixed(4), "loss"), n(s.final.ce, .fixed(4), "ce"), n(s.final.alg, .fixed(4), "alg"),
                             n(s.final.kl, .fixed(4), "kl"), n(s.cosine_per_layer.map { $0.reduce(0, +) / Double(max(1, $0.count)) }, .fixed(4), "cosine"),
                             n(s.wall_seconds, .fixed(1), "wall_seconds"), n(s.tokens_per_second, .fixed(0), "tokens_per_second"),
                             n(Double(s.peak_rss_bytes) / 1_048_576, .fixed(0), "peak_rss_bytes")])
            }
        }
        return Table(title: "Training (distill): final loss terms, mean cosine over aligned layers, cost",
                     columns: ["Task", "Method", "steps", "loss", "ce", "alg", "kl", "mean cosine", "wall s", "tokens/s", "peak RSS MiB"], rows: rows)
    }

    /// Wall seconds of every stage part the inputs report.
    public func wallTimeTable() -> Table {
        var rows: [[Cell]] = []
        for (k, s) in distill.sorted(by: { $0.key < $1.key }) {
            rows.append([.text("distill"), .text(k.description), .text("total"), .number(s.wall_seconds, .fixed(1))])
        }
        for (k, t) in evaluationTimings.sorted(by: { $0.key < $1.key }) {
            for (part, v) in t.wall_seconds.sorted(by: { $0.key < $1.key }) {
                rows.append([.text("evaluate"), .text(k.description), .text(part), .number(v, .fixed(1))])
            }
        }
        for (k, d) in decodes.sorted(by: { $0.key < $1.key }) {
            for (part, v) in d.wall_seconds.sorted(by: { $0.key < $1.key }) {
                rows.append([.text("decode"), .text(k.description), .text(part), .number(v, .fixed(1))])
            }
        }
        if rows.isEmpty { rows.append([.text("—"), .text("—"), .text("—"), .notRun(reason: "no stage outputs given")]) }
        return Table(title: "Wall times (seconds)", columns: ["stage", "run", "part", "seconds"], rows: rows)
    }

    /// Every input file with its SHA-256.
    public func inputTable() -> Table {
        let rows: [[Cell]] = files.map { [.text($0.role), .text($0.path), .text($0.sha256), .number(Double($0.bytes), .integer)] }
        return Table(title: "Inputs of this report", columns: ["input", "file", "SHA-256", "bytes"],
                     rows: rows.isEmpty ? [[.text("—"), .text("—"), .text("—"), .notRun(reason: "no inputs given")]] : rows)
    }
}
