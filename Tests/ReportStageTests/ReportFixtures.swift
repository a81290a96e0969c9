// Hand-made stage outputs for the report tests, written exactly in the schemas of COMMON.md /
// docs/report.md: evaluate's metrics.json (with parts not run), distill's summary.json and
// log.jsonl, decode's decode.json and figure tar.
import Decoding
import Foundation
import Reporting

func temporaryDirectory(_ name: String) -> String {
    let d = FileManager.default.temporaryDirectory.path + "/graft-report-\(getpid())/\(name)"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

func write(_ text: String, _ path: String) throws -> String {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// evaluate's metrics.json for one task × method; `accuracy` nil writes {"not_run": …}.
func evaluationJSON(task: String, method: String, accuracy: Double?, sst2NotRun: Bool = false) -> String {
    let acc = accuracy.map { #"{"correct":\#(Int($0 * 200)),"total":200,"value":\#($0)}"# } ?? #"{"not_run":"smoke profile skips it"}"#
    let sst2 = sst2NotRun ? #"{"not_run":"no sst2 file"}"# : #"{"correct":130,"total":200,"value":0.65}"#
    let weights = method == "none" ? "null" : "\"abc123\""
    return """
    {"format":"graft-evaluation","version":1,"task":"\(task)","method":"\(method)","profile":"smoke",
     "model":{"spec":"default","weights_sha256":\(weights)},
     "accuracy":\(acc),
     "ood":{"length_ood":{"correct":10,"total":40,"value":0.25},"almost_balanced":{"correct":30,"total":40,"value":0.75}},
     "perplexity":{"lines":100,"tokens":2000,"mean_per_line":41.25,"token_weighted":30.5},
     "sst2":\(sst2),"mrpc":{"correct":120,"total":200,"value":0.6},"lambada":{"correct":50,"total":200,"value":0.25},
     "noise":{"block":7,"mean_residual_norm":12.5,"points":[
       {"subspace":"answer","norm":0,"relative":false,"accuracy":{"correct":40,"total":40,"value":1}},
       {"subspace":"answer","norm":5,"relative":false,"accuracy":{"correct":20,"total":40,"value":0.5}},
       {"subspace":"uniform","norm":0,"relative":false,"accuracy":{"correct":40,"total":40,"value":1}},
       {"subspace":"uniform","norm":5,"relative":false,"accuracy":{"correct":38,"total":40,"value":0.95}},
       {"subspace":"orthonormal","norm":0.5,"relative":true,"accuracy":{"correct":36,"total":40,"value":0.9}},
       {"subspace":"answer","norm":0.5,"relative":true,"accuracy":{"correct":8,"total":40,"value":0.2}}]},
     "wall_seconds":{"accuracy":3.5,"perplexity":10.25}}
    """
}

func distillSummaryJSON(task: String, method: String) -> String {
    let cos = method == "injection" ? "[0.9,0.8,0.7]" : "null"
    let alg = method == "injection" ? "0.25" : "null"
    return """
    {"format":"graft-distill-summary","version":1,"task":"\(task)","method":"\(method)","profile":"smoke","steps":20,
     "final":{"loss":1.5,"ce":0.75,"alg":\(alg),"kl":0.125},"cosine_per_layer":\(cos),"wall_seconds":61.5,
     "tokens_per_second":850,"seconds_per_step":3.075,"peak_rss_bytes":1073741824,
     "validation_accuracy_curve":[{"step":10,"accuracy":0.5},{"step":20,"accuracy":0.75}]}
    """
}

func distillLogJSONL(method: String) -> String {
    (1...5).map { s in
        let alg = method == "injection" ? "\(1.0 / Double(s))" : "null"
        let cos = method == "injection" ? "[\(0.1 * Double(s)),\(0.15 * Double(s)),\(0.05 * Double(s))]" : "null"
        return #"{"step":\#(s),"loss":\#(3.0 / Double(s)),"ce":\#(2.0 / Double(s)),"alg":\#(alg),"kl":0.1,"cos":\#(cos),"seconds":0.5}"#
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
    for part in ["raw", "adapted", "table"] {
        files.append(BundleFile("example-0-\(part).svg", Array(try hm.svg().utf8)))
        files.append(BundleFile("example-0-\(part).png", encodePNG(try hm.rasterise())))
    }
    return files
}

/// A full set of inputs for dyck (all three methods, distill of both, decode), nothing for sum and count.
func dyckInputs(_ dir: String, accuracy: Double = 0.875) throws -> [String: [String]] {
    var o: [String: [String]] = [:]
    for m in ["none", "baseline", "injection"] {
        let p = try write(evaluationJSON(task: "dyck", method: m, accuracy: m == "none" ? nil : accuracy, sst2NotRun: m == "baseline"),
                          dir + "/eval-\(m).json")
        o["evaluation", default: []].append("dyck/\(m)=\(p)")
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
