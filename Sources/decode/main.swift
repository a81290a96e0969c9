// `decode`: reads the compiled program's variables back out of the LM's residual stream
// (METHOD §6): decoded tables and heat maps of the chosen inputs, and the decoding accuracy of
// every variable at every aligned layer, with a least-squares control. Logic: Sources/Decoding.
import ArgumentParser
import Decoding
import Foundation
import StageCLI
import Support
import Tasks
import Tensor

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decodes RASP variables from the LM's residual stream (tables, heat maps, accuracy per layer).")

    @Option(help: "dyck, count or sum.") var task: TaskKind
    @Option(help: "Recorded in decode.json: injection or baseline.") var method = "injection"
    @Option(help: "smoke, default or paper (sets --examples and --fit-examples).") var profile: DataProfile = .default
    @Option(help: "Tokenizer and base model (default, a GGUF, a HF folder).") var model = "default"
    @Option(help: "Fine-tuned weights (graft-lm-weights); without it the base model is decoded.") var weights: String?
    @Option(help: "The distill stage's adapter; without it one is fitted by least squares on --train.") var adapter: String?
    @Option(help: "The compiled model (compile-rasp output).") var compiled: String
    @Option(help: "An input to decode (repeatable); default: the paper's prompt for the task.") var prompt: [String] = []
    @Option(help: "Also decode the first N rows of --test.") var promptsFromTest = 0
    @Option(help: "LM residual to decode for the tables (default: k, the last aligned one).") var layer: Int?
    @Option(help: "Held-out task rows (test.jsonl) for the decoding accuracy.") var test: String?
    @Option(help: "How many --test rows to score (default: by profile).") var examples: Int?
    @Option(help: "Training rows (train.jsonl) for least-squares fits.") var train: String?
    @Option(help: "How many --train rows to fit on (default: by profile).") var fitExamples: Int?
    @Option(help: "Baseline weights: the control, scored with a least-squares adapter.") var baselineWeights: String?
    @Option(help: "Ridge, relative to the mean diagonal of the centred Gram matrix.") var ridge = 1e-3
    @Option(help: "Also write the answer probe here: a least-squares probe of the answer token at every LM residual (needs --train, --test).") var answerProbe: String?
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var precision: PrecisionOptions
    @Option(help: "decode.json to write.") var out: String
    @Option(help: "Tar of the figures (example-<i>-raw/adapted/table .svg/.png) to write.") var outFigures: String

    func run() throws {
        threads.apply()
        try precision.apply()
        var o = DecodeOptions(task: task, method: method, profile: profile, compiled: compiled, out: out, outFigures: outFigures)
        o.root = ProcessInfo.processInfo.environment["GRAFT_ROOT"] ?? "."
        o.model = model; o.weights = weights; o.adapter = adapter; o.layer = layer; o.test = test; o.train = train
        o.baselineWeights = baselineWeights; o.ridge = ridge; o.answerProbe = answerProbe; o.promptsFromTest = promptsFromTest
        if !prompt.isEmpty { o.prompts = prompt }
        if let examples { o.examples = examples }
        if let fitExamples { o.fitExamples = fitExamples }
        let s = try runDecode(o) { FileHandle.standardError.write(Data(("decode: " + $0 + "\n").utf8)) }
        try writeHeadlineMetrics(s.headlineMetrics)
        print("decode: \(s.examples.count) input(s) decoded at residual \(s.examples.first?.layer ?? 0); wrote \(out) and \(outFigures)")
    }
}

requireBuildCPU(program: "decode")
chooseOpenBLASCore(program: "decode", current: Threads.blasCoreName)
Decode.main()
