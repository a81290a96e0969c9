// `evaluate`: one model (the base model, or distill's weights) on its task's test and OOD sets,
// the retention corpora (perplexity, SST-2, MRPC, LAMBADA) and the causal noise experiment;
// writes metrics.json (canonical, deterministic) and optionally the wall times. Logic: Evaluation.
import ArgumentParser
import Evaluation
import Foundation
import LM
import StageCLI
import Support
import Tasks
import Tensor

extension EvaluationProfile: ExpressibleByArgument {}
extension RetentionTokenizer: ExpressibleByArgument {}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Task accuracy, OOD accuracy, perplexity, SST-2, MRPC, LAMBADA and the causal noise experiment of one model.",
        discussion: "Relative paths of --model start at the repository root ($GRAFT_ROOT under `pipeline`, else the current folder). Sizes default to the profile's; see docs/evaluation.md.")

    @Option(help: "Task: dyck, count or sum.") var task: TaskKind
    @Option(help: "none (the untouched base model), baseline or injection.") var method: String
    @Option(help: "Sizes: smoke, default or paper.") var profile: EvaluationProfile = .default
    @Option(help: "Base model and tokenizer: default, a GGUF file or a Hugging Face folder.") var model = "default"
    @Option(help: "Fine-tuned weights from distill (graft-lm-weights); without it the base model is evaluated.") var weights: String?
    @Option(help: "test.jsonl of generate-data.") var test: String
    @Option(help: "ood.jsonl of generate-data.") var ood: String?
    @Option(help: "shakespeare.txt of generate-data corpora.") var shakespeare: String?
    @Option(help: "sst2.jsonl of generate-data corpora.") var sst2: String?
    @Option(help: "mrpc.jsonl of generate-data corpora.") var mrpc: String?
    @Option(help: "lambada.jsonl of generate-data corpora.") var lambada: String?
    @Flag(help: "Skip perplexity.") var noPerplexity = false
    @Flag(help: "Skip SST-2.") var noSst2 = false
    @Flag(help: "Skip MRPC.") var noMrpc = false
    @Flag(help: "Skip LAMBADA.") var noLambada = false
    @Flag(help: "Skip perplexity, SST-2, MRPC and LAMBADA (e.g. when the base model's retention is evaluated once elsewhere).") var noRetention = false
    @Option(help: "Tokenizer of the retention parts: task (with the task's merge surgery, as the paper) or plain.") var retentionTokenizer: RetentionTokenizer = .task
    @Option(help: "The adapter of distill (for the noise experiment).") var adapter: String?
    @Option(help: "The compiled model the adapter maps to (for the noise experiment).") var compiled: String?
    @Option(help: "First test examples (default: the profile's; 0 = all).") var testSize: Int?
    @Option(help: "First examples of each OOD set (0 = all).") var oodSize: Int?
    @Option(help: "First lines of the Shakespeare file.") var shakespeareLines: Int?
    @Option(help: "First SST-2 examples (0 = all).") var sst2Size: Int?
    @Option(help: "First MRPC examples (0 = all).") var mrpcSize: Int?
    @Option(help: "First LAMBADA passages (0 = all).") var lambadaSize: Int?
    @Option(help: "First test examples of the noise experiment (0 = all).") var noiseSize: Int?
    @Option(help: "Absolute noise norms, comma-separated.") var noiseNorms: String?
    @Option(help: "Noise norms as multiples of the mean residual norm, comma-separated.") var noiseMultiples: String?
    @Option(help: "Seed of the noise experiment.") var seed: UInt64 = 42
    @Option(help: "Rows per batched forward.") var batchRows = 16
    @Option(help: "Padded tokens per batched forward.") var batchTokens = 2048
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var precision: PrecisionOptions
    @Flag(help: "No progress bars.") var quiet = false
    @Option(help: "metrics.json to write.") var out: String
    @Option(help: "Wall times per part (kept out of metrics.json so that it is byte-identical across runs).") var outTiming: String?

    func run() throws {
        threads.apply()
        try precision.apply()
        var r = EvaluationRequest(task: task, method: method, profile: profile, test: test)
        r.model = model; r.weights = weights; r.ood = ood; r.adapter = adapter; r.compiled = compiled
        r.root = ProcessInfo.processInfo.environment["GRAFT_ROOT"] ?? "."
        r.seed = seed; r.retentionTokenizer = retentionTokenizer; r.showProgress = !quiet
        r.shape = BatchShape(rows: batchRows, tokens: batchTokens)
        func all(_ n: Int?, _ d: Int?) -> Int? { n.map { $0 == 0 ? nil : $0 } ?? d }
        r.sizes.test = all(testSize, r.sizes.test); r.sizes.oodPerSet = all(oodSize, r.sizes.oodPerSet)
        r.sizes.sst2 = all(sst2Size, r.sizes.sst2); r.sizes.mrpc = all(mrpcSize, r.sizes.mrpc)
        r.sizes.lambada = all(lambadaSize, r.sizes.lambada); r.sizes.noise = all(noiseSize, r.sizes.noise)
        r.sizes.shakespeareLines = shakespeareLines ?? r.sizes.shakespeareLines
        if let noiseNorms { r.sizes.absoluteNorms = try numbers(noiseNorms, "--noise-norms") }
        if let noiseMultiples { r.sizes.relativeMultiples = try numbers(noiseMultiples, "--noise-multiples") }
        let parts: [(String, String?, Bool, String)] = [("shakespeare", shakespeare, noPerplexity, "--no-perplexity"),
                                                        ("sst2", sst2, noSst2, "--no-sst2"), ("mrpc", mrpc, noMrpc, "--no-mrpc"),
                                                        ("lambada", lambada, noLambada, "--no-lambada")]
        for (name, path, off, flag) in parts {
            if off || noRetention {
                r.skipped[name] = "switched off (\(off ? flag : "--no-retention"))"
            } else {
                switch name {
                case "shakespeare": r.shakespeare = path
                case "sst2": r.sst2 = path
                case "mrpc": r.mrpc = path
                default: r.lambada = path
                }
            }
        }
        let m = try evaluateAndWrite(r, out: out, timingOut: outTiming)
        print("evaluate \(task.rawValue)/\(method): accuracy \(m.accuracy.correct)/\(m.accuracy.total) → \(out)")
    }

    func numbers(_ text: String, _ flag: String) throws -> [Double] {
        try text.split(separator: ",").map {
            guard let v = Double($0.trimmingCharacters(in: .whitespaces)), v >= 0, v.isFinite else {
                throw ValidationError("\(flag): '\($0)' is not a non-negative number")
            }
            return v
        }
    }
}

requireBuildCPU(program: "evaluate")
chooseOpenBLASCore(program: "evaluate", current: Threads.blasCoreName)
Evaluate.main()
