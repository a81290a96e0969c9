// Stage outputs for the report tests, built from the StageFiles / Decoding types their writers
// encode and in the writers' bytes (no hand-written JSON that could drift from the writer):
// evaluate's metrics.json (with parts not run) and timing.json, distill's summary.json and
// log.jsonl, decode's decode.json and figure tar.
import Decoding
import Foundation
import Reporting
import StageFiles
import TestSupport


func write(_ text: String, _ path: String) throws -> String {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// evaluate's metrics.json for one task × method, built from the type evaluate encodes and in its
/// bytes (StageFiles.EvaluationFile.encoded()).
func evaluationJSON(task: String, method: String, accuracy: Double, sst2NotRun: Bool = false) throws -> String {
    func f(_ c: Int, _ t: Int) -> Fraction { Fraction(correct: c, total: t, value: Double(c) / Double(t)) }
    let points = [("answer", 0.0, false, 40), ("answer", 5, false, 20), ("uniform", 0, false, 40), ("uniform", 5, false, 38),
                  ("orthonormal", 0.5, true, 36), ("answer", 0.5, true, 8)].map { s, n, rel, c in
        NoisePoint(subspace: s, norm: n, relative: rel, multiple: rel ? n : nil, accuracy: f(c, 40))
    }
    let e = EvaluationFile(
        task: task, method: method, profile: "smoke", model: ModelInfo(spec: "default", weights_sha256: method == "none" ? nil : "abc123"),
        accuracy: f(Int(accuracy * 200), 200), ood: .value(["length_ood": f(10, 40), "almost_balanced": f(30, 40)]),
        perplexity: .value(PerplexityFile(lines: 100, tokens: 2000, mean_per_line: 41.25, token_weighted: 30.5)),
        sst2: sst2NotRun ? .notRun("no sst2 file") : .value(f(130, 200)), mrpc: .value(f(120, 200)), lambada: .value(f(50, 200)),
        noise: .value(NoiseFile(block: 7, dimension: 2, mean_residual_norm: 12.5, points: points)))
    return String(decoding: try e.encoded(), as: UTF8.self)
}

/// evaluate's timing.json, as evaluate encodes it.
func evaluationTimingJSON() throws -> String {
    String(decoding: try EvaluationTimingFile(wall_seconds: ["accuracy": 3.5, "perplexity": 10.25], tokens: ["accuracy": 800], threads: 2,
                                              blas_core: "Zen", blas_reason: "OpenBLAS's own choice", cpu: "test CPU",
                                              precision: "fp32", precision_reason: "fp32 (asked for)").encoded(), as: UTF8.self)
}

/// distill's summary.json, built from the type distill encodes and in its bytes.
func distillSummaryJSON(task: String, method: String) throws -> String {
    let injection = method == "injection"
    let s = DistillSummary(
        task: task, method: method, profile: "smoke", steps: 20, settings: ["steps": 20], alg_normalization: "sum",
        examples: DistillExamples(train: 100, validation: 10, text_rows: 40, task_epochs: 0.8),
        final: FinalLosses(loss: 1.5, ce: 0.75, alg: injection ? 0.25 : nil, kl: 0.125), cosine_per_layer: injection ? [0.9, 0.8, 0.7] : nil,
        validation_accuracy_curve: [AccuracyPoint(step: 10, accuracy: 0.5), AccuracyPoint(step: 20, accuracy: 0.75)],
        validation_accuracy_rolled_curve: injection ? [AccuracyPoint(step: 10, accuracy: 0.25), AccuracyPoint(step: 20, accuracy: 0.5)] : [],
        adapter_init: nil, wall_seconds: 61.5, train_seconds: 60, seconds_per_step: 3.075, tokens_per_second: 850,
        peak_rss_bytes: 1_073_741_824, threads: 2, blas: BLASChoice(cpu: "test CPU", core: "Zen", reason: "OpenBLAS's own choice", precision: "fp32", precision_reason: "fp32 (asked for)"),
        seconds_per_phase: ["task forward": 20])
    return String(decoding: try s.encoded(), as: UTF8.self)
}

/// distill's log.jsonl, line by line as distill encodes it.
func distillLogJSONL(method: String) throws -> String {
    try (1...5).map { s in
        var line = DistillLogLine(step: s, loss: 3.0 / Double(s), ce: 2.0 / Double(s), kl: 0.1, answer_accuracy: 0.5)
        if method == "injection" {
            line.alg = 1.0 / Double(s)
            line.cos = [0.1 * Double(s), 0.15 * Double(s), 0.05 * Double(s)]
            line.detach_and_roll = true
        }
        return String(decoding: try line.encoded(), as: UTF8.self)
    }.joined(separator: "\n") + "\n"
}

func decodeSummary(task: String) -> DecodeSummary {
    let e = DecodedExample(prompt: "[(])\nAnswer:", tokens: ["[", "(", "]", ")", "\n", ":"], layer: 2, variables: ["final_result", "one"],
                           table: [["False", "True"], ["False", "True"], ["False", "True"], ["False", "True"], ["True", "True"], ["True", "True"]],
                           truth: [["False", "True"], ["False", "True"], ["False", "True"], ["False", "True"], ["False", "True"], ["True", "True"]])
    return DecodeSummary(task: task, method: "injection", profile: "smoke", examples: [e],
                         accuracy: .value(["final_result": [nil, 0.75, 0.875], "tokens": [1, 1, 0.9375]]),
                         control: .value(["final_result": [0.5, 0.5, 0.625], "tokens": [1, 0.75, 0.5]]),
                         scored: .init(examples: 8, positions: 96, fit_examples: 8, fit_rows: 288, ridge: 0.001), wallSeconds: ["load": 2.5])
}

func decodeFigureBundle() throws -> [BundleFile] {
    let hm = HeatMap(title: "t", matrix: try Matrix(rows: 2, columns: 3, values: [0, 1, -1, 0.5, 0.25, 0]))
    var files: [BundleFile] = []
    let svg = try hm.svg(), png = try renderPNG(svg: svg)
    for part in ["raw", "adapted", "table"] {
        files.append(BundleFile("example-0-\(part).svg", Array(svg.utf8)))
        files.append(BundleFile("example-0-\(part).png", png))
    }
    return files
}

/// A full set of inputs for dyck (all three methods, distill of both, decode), nothing for sum and count.
func dyckInputs(_ dir: String, accuracy: Double = 0.875) throws -> [String: [String]] {
    var o: [String: [String]] = [:]
    for m in ["none", "baseline", "injection"] {
        let p = try write(evaluationJSON(task: "dyck", method: m, accuracy: m == "none" ? 0 : accuracy, sst2NotRun: m == "baseline"),
                          dir + "/eval-\(m).json")
        o["evaluation", default: []].append("dyck/\(m)=\(p)")
        o["timing", default: []].append("dyck/\(m)=" + (try write(evaluationTimingJSON(), dir + "/timing-\(m).json")))
    }
    for m in ["baseline", "injection"] {
        o["distill", default: []].append("dyck/\(m)=" + (try write(distillSummaryJSON(task: "dyck", method: m), dir + "/summary-\(m).json")))
        o["log", default: []].append("dyck/\(m)=" + (try write(distillLogJSONL(method: m), dir + "/log-\(m).jsonl")))
    }
    try decodeSummary(task: "dyck").json().write(to: URL(fileURLWithPath: dir + "/decode.json"))
    o["decode"] = ["dyck/injection=\(dir)/decode.json"]
    try writeBundle(try decodeFigureBundle(), to: dir + "/figures.tar")
    o["figures"] = ["dyck/injection=\(dir)/figures.tar"]
    return o
}
