// The evaluate stage in one function: check every input up front → load the model (base or
// fine-tuned weights) and the task tokenizer → task accuracy → OOD sets → perplexity → SST-2 →
// MRPC → LAMBADA → noise experiment, each part with a progress bar and its wall time.
import Artifacts
import CompiledModelFile
import Foundation
import Injection
import LM
import Support
import Tasks
import Tensor
import StageFiles

/// Which tokenizer the retention parts use: the task's (with its merge surgery, as the paper's
/// code does for every evaluation) or the model's unmodified one (task-independent, so the base
/// model's retention can be computed once for all tasks).
public enum RetentionTokenizer: String, Sendable, CaseIterable { case task, plain }

public struct EvaluationRequest: Sendable {
    public var task: TaskKind
    public var method: String
    public var profile: EvaluationProfile
    public var sizes: EvaluationSizes
    public var model: String = "default"
    public var weights: String?
    public var root: String = "."
    public var test: String
    public var ood: String?
    /// Retention inputs; nil means the part is not run, with the reason in `skipped`.
    public var shakespeare: String?, sst2: String?, mrpc: String?, lambada: String?
    public var skipped: [String: String] = [:]
    public var adapter: String?, compiled: String?
    public var seed: UInt64 = 42
    public var retentionTokenizer: RetentionTokenizer = .task
    public var shape = BatchShape()
    public var showProgress = true

    public init(task: TaskKind, method: String, profile: EvaluationProfile, test: String) {
        self.task = task; self.method = method; self.profile = profile; self.sizes = .of(profile); self.test = test
    }
}

public let evaluationMethods = ["none", "baseline", "injection"]

/// Every problem with the request at once (before the model is loaded).
public func validate(_ r: EvaluationRequest) throws {
    var problems: [String] = []
    if !evaluationMethods.contains(r.method) { problems.append("--method \(r.method): expected one of \(evaluationMethods.joined(separator: ", "))") }
    if r.method == "none" && r.weights != nil { problems.append("--method none is the untouched base model; it takes no --weights") }
    if r.method != "none" && evaluationMethods.contains(r.method) && r.weights == nil {
        problems.append("--method \(r.method) needs --weights (the distill stage's weights.safetensors)")
    }
    if (r.adapter == nil) != (r.compiled == nil) { problems.append("the noise experiment needs both --adapter and --compiled") }
    let files = [("--test", r.test), ("--ood", r.ood), ("--weights", r.weights), ("--shakespeare", r.shakespeare), ("--sst2", r.sst2),
                 ("--mrpc", r.mrpc), ("--lambada", r.lambada), ("--adapter", r.adapter), ("--compiled", r.compiled)]
    for case let (flag, path?) in files where !FileManager.default.isReadableFile(atPath: path) {
        problems.append("\(flag) \(path): no such readable file")
    }
    for (name, n) in [("test", r.sizes.test), ("ood", r.sizes.oodPerSet), ("sst2", r.sizes.sst2), ("mrpc", r.sizes.mrpc),
                      ("lambada", r.sizes.lambada), ("noise", r.sizes.noise), ("shakespeare lines", r.sizes.shakespeareLines)] {
        if let n, n < 1 { problems.append("the \(name) size must be at least 1, got \(n)") }
    }
    if r.shape.rows < 1 || r.shape.tokens < 1 { problems.append("batch rows and tokens must be at least 1") }
    guard problems.isEmpty else { throw EvaluationInputError("evaluate: " + problems.joined(separator: "\n  ")) }
}

/// Times each part and counts the tokens it ran.
final class Stopwatch {
    var timing = EvaluationTiming()
    func run<T>(_ part: String, tokens: Int = 0, _ body: () throws -> T) rethrows -> T {
        let start = monotonicSeconds()
        defer { timing.seconds[part] = monotonicSeconds() - start; if tokens > 0 { timing.tokens[part] = tokens } }
        return try body()
    }
}

public func evaluate(_ r: EvaluationRequest) throws -> (metrics: EvaluationMetrics, timing: EvaluationTiming) {
    try validate(r)
    let clock = Stopwatch(), overall = monotonicSeconds()
    func bar(_ label: String, _ total: Int) -> ProgressBar? { r.showProgress ? ProgressBar(label, total: total, unit: "ex") : nil }
    func finish(_ b: ProgressBar?) { b?.finish() }

    // Inputs first, so a bad file fails before the model is loaded.
    let testRows = firstN(try readTaskRows(r.test, task: r.task, requireSet: false), r.sizes.test)
    let oodRows = try r.ood.map { try readTaskRows($0, task: r.task, requireSet: true) }
    let adapterFile = try r.adapter.map { try AdapterFile.read($0) }
    let compiled = try r.compiled.map { try readCompiledModel($0) }

    let (model, bpe) = try clock.run("load") { try loadRunnableModel(r.model, weights: r.weights, root: r.root) }
    let taskTokenizer = try TaskTokenizer(bpe, task: r.task)
    let retention: any TextTokenizer = r.retentionTokenizer == .task ? taskTokenizer : PlainTokenizer(bpe: bpe)
    let pad = Int32(bpe.eos ?? 0)
    let weightsSHA = try r.weights.map { path in
        do { return try hashFile(path).hex } catch { throw EvaluationInputError("\(path): \(error)") }
    }

    // Task accuracy.
    let testCases = try answerCases(testRows, tokenizer: taskTokenizer)
    let testAccuracy = try clock.run("accuracy", tokens: testCases.reduce(0) { $0 + $1.row.count }) {
        let b = bar("accuracy", testCases.count); defer { finish(b) }
        return accuracy(try scoreAnswers(model, testCases, shape: r.shape, pad: pad, progress: b))
    }

    // Out-of-distribution sets, in order of first appearance.
    let ood: Part<[String: Accuracy]> = try oodRows.map { rows in
        var names: [String] = []
        var bySet: [String: [TaskRow]] = [:]
        for row in rows { if bySet[row.set!] == nil { names.append(row.set!) }; bySet[row.set!, default: []].append(row) }
        let cases = try names.flatMap { try answerCases(firstN(bySet[$0]!, r.sizes.oodPerSet), tokenizer: taskTokenizer) }
        let sets = names.flatMap { n in Array(repeating: n, count: min(bySet[n]!.count, r.sizes.oodPerSet ?? Int.max)) }
        return .value(try clock.run("ood", tokens: cases.reduce(0) { $0 + $1.row.count }) {
            let b = bar("ood", cases.count); defer { finish(b) }
            let correct = try scoreAnswers(model, cases, shape: r.shape, pad: pad, progress: b)
            var out: [String: Accuracy] = [:]
            for n in names { out[n] = accuracy(zip(sets, correct).filter { $0.0 == n }.map(\.1)) }
            return out
        })
    } ?? .notRun("no --ood file given")

    func notRun(_ part: String) -> String { r.skipped[part] ?? "no --\(part) file given" }

    let perplexityPart: Part<PerplexityResult> = try r.shakespeare.map { path in
        let sequences = perplexitySequences(try readShakespeareLines(path), firstLines: r.sizes.shakespeareLines, tokenizer: retention)
        guard !sequences.isEmpty else { throw EvaluationInputError("\(path): no line among the first \(r.sizes.shakespeareLines) has 2 or more tokens") }
        return .value(try clock.run("perplexity", tokens: sequences.reduce(0) { $0 + $1.count }) {
            let b = bar("perplexity", sequences.count); defer { finish(b) }
            return try perplexity(model, sequences, shape: r.shape, pad: pad, progress: b)
        })
    } ?? .notRun(notRun("shakespeare"))

    func classification(_ name: String, prompts: [String], labels: [Int], positive: String, negative: String) throws -> Part<Accuracy> {
        let ids = prompts.map { retention.encode($0).map(Int32.init) }
        let tokens = try LabelTokens(positive: positive, negative: negative, tokenizer: retention)
        return .value(try clock.run(name, tokens: ids.reduce(0) { $0 + $1.count }) {
            let b = bar(name, ids.count); defer { finish(b) }
            return try classify(model, prompts: ids, labels: labels, tokens: tokens, shape: r.shape, pad: pad, progress: b)
        })
    }
    let sst2: Part<Accuracy> = try r.sst2.map { path in
        let rows = firstN(try readSST2(path), r.sizes.sst2)
        return try classification("sst2", prompts: rows.map { TwoShotPrompts.sst2($0.sentence) }, labels: rows.map(\.label),
                                  positive: " positive", negative: " negative")
    } ?? .notRun(notRun("sst2"))
    let mrpc: Part<Accuracy> = try r.mrpc.map { path in
        let rows = firstN(try readMRPC(path), r.sizes.mrpc)
        return try classification("mrpc", prompts: rows.map { TwoShotPrompts.mrpc($0.sentence1, $0.sentence2) }, labels: rows.map(\.label),
                                  positive: " yes", negative: " no")
    } ?? .notRun(notRun("mrpc"))
    let lambada: Part<Accuracy> = try r.lambada.map { path in
        let cases = try lambadaCases(firstN(try readLAMBADA(path), r.sizes.lambada), tokenizer: retention)
        return .value(try clock.run("lambada", tokens: cases.reduce(0) { $0 + $1.row.count }) {
            let b = bar("lambada", cases.count); defer { finish(b) }
            return try lambadaAccuracy(model, cases, shape: r.shape, pad: pad, progress: b)
        })
    } ?? .notRun(notRun("lambada"))

    // The noise experiment.
    let noise: Part<NoiseResult>
    if let (adapter, info) = adapterFile, let compiled {
        try checkAdapter(adapter, info, compiled: compiled, lmWidth: model.config.dModel, lmBlocks: model.config.nLayers,
                         adapterPath: r.adapter!, compiledPath: r.compiled!)
        let cases = firstN(testCases, r.sizes.noise)
        let settings = NoiseSettings(absoluteNorms: r.sizes.absoluteNorms, relativeMultiples: r.sizes.relativeMultiples, seed: r.seed)
        let runs = noiseRuns(settings)
        noise = .value(try clock.run("noise", tokens: runs * cases.reduce(0) { $0 + $1.row.count }) {
            let b = bar("noise", runs * cases.count); defer { finish(b) }
            return try noiseExperiment(model, cases, adapter: adapter, info: info, settings: settings, shape: r.shape, pad: pad, progress: b)
        })
    } else {
        noise = .notRun(r.skipped["noise"] ?? "no --adapter/--compiled given (the noise experiment needs an injected model's adapter)")
    }

    clock.timing.seconds["total"] = monotonicSeconds() - overall
    clock.timing.threads = Threads.count
    clock.timing.blasCore = Threads.blasCoreName
    clock.timing.blasReason = blasChoiceReason
    clock.timing.precision = Precision.current.rawValue
    clock.timing.precisionReason = Precision.reason
    clock.timing.cpu = cpuModelName()
    let metrics = EvaluationMetrics(task: r.task.rawValue, method: r.method, profile: r.profile.rawValue, modelSpec: r.model,
                                    weightsSHA256: weightsSHA, accuracy: testAccuracy, ood: ood, perplexity: perplexityPart,
                                    sst2: sst2, mrpc: mrpc, lambada: lambada, noise: noise)
    return (metrics, clock.timing)
}

/// The model's tokenizer without surgery; control-token text in the corpora is never parsed as a control token.
public struct PlainTokenizer: TextTokenizer, Sendable {
    public let bpe: BPETokenizer
    public init(bpe: BPETokenizer) { self.bpe = bpe }
    public func encode(_ text: String) -> [Int] { bpe.encode(text, parseSpecial: false) }
    public func decode(_ id: Int) -> String { bpe.decode([id]) }
}

/// Runs `evaluate` and writes metrics (and timing, when asked) atomically.
public func evaluateAndWrite(_ r: EvaluationRequest, out: String, timingOut: String?) throws -> EvaluationMetrics {
    let (metrics, timing) = try evaluate(r)
    try writeFileAtomically(out, bytes: try metrics.encoded())
    if let timingOut { try writeFileAtomically(timingOut, bytes: try timing.encoded()) }
    return metrics
}
