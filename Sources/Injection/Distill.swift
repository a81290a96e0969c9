// The distill stage in one function: load the compiled program, the LM, the task data and the
// general text; train (tracr-injection or the baseline); write the fine-tuned weights, the
// adapter, the per-step log and the summary. Reads like METHOD §3: models → data → loop → outputs.
import Artifacts
import CompiledModelFile
import Compiler
import Crypto
import Foundation
import JSONText
import LM
import StageFiles
import Support
import Tasks
import Tensor

public struct DistillJob: Sendable {
    public var task: TaskKind
    public var method: Method
    public var profile: String
    public var settings: DistillSettings
    /// `--model` spec (default, GGUF, HF folder) and the repository root it resolves against.
    public var model: String
    public var root: String
    public var compiled: String
    public var train: String
    public var documents: String
    public var outWeights: String
    public var outAdapter: String
    public var outLog: String
    public var outSummary: String
    public var checkpointDir: String?
    /// A graft weights file the student starts from instead of the base model (`--init-weights`, a
    /// departure: e.g. inject into a model that has learnt the task by the baseline); the KL teacher
    /// stays the base model.
    public var initWeights: String?
    public var progress: Bool
    public init(task: TaskKind, method: Method, profile: String, settings: DistillSettings, model: String, root: String,
                compiled: String, train: String, documents: String, outWeights: String, outAdapter: String,
                outLog: String, outSummary: String, checkpointDir: String?, initWeights: String? = nil, progress: Bool = true) {
        self.task = task; self.method = method; self.profile = profile; self.settings = settings; self.model = model
        self.root = root; self.compiled = compiled; self.train = train; self.documents = documents
        self.outWeights = outWeights; self.outAdapter = outAdapter; self.outLog = outLog; self.outSummary = outSummary
        self.checkpointDir = checkpointDir; self.initWeights = initWeights; self.progress = progress
    }
}

/// Reads documents.jsonl (one {"source", "title", "text"} per line) and cuts it into rows.
public func readTextRows(_ path: String, tokenizer: some TextTokenizer, tokensPerRow n: Int, pad: Int, rowsNeeded: Int) throws -> [[Int32]] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InjectionError("cannot read \(path); it is made by generate-data corpora (pipeline run data/corpora)")
    }
    var rows: [[Int32]] = []
    var lineNumber = 0
    for line in data.split(separator: UInt8(ascii: "\n")) {
        lineNumber += 1
        typealias F = Document.Field
        guard case .object(let o)? = try? parseJSON(bytes: [UInt8](line)), let text = o[F.text.rawValue]?.stringValue else {
            throw InjectionError("\(path):\(lineNumber): expected a JSON object with a \"\(F.text.rawValue)\" string; regenerate it with generate-data corpora")
        }
        let doc = Document(source: o[F.source.rawValue]?.stringValue ?? "", title: o[F.title.rawValue]?.stringValue ?? "", text: text)
        rows += textRows([doc], tokenizer: tokenizer, tokensPerRow: n, pad: pad).map { $0.map(Int32.init) }
        if rows.count >= rowsNeeded { break }
    }
    guard !rows.isEmpty else { throw InjectionError("\(path) holds no text") }
    return rows
}

/// What a distill run returns: its summary file (nil when interrupted) and the headline numbers.
public struct DistillOutcome: Sendable {
    public var summary: StageFiles.DistillSummary?
    /// Flat headline numbers for $GRAFT_METRICS.
    public var metrics: [String: Double]
    public var interrupted: Bool
}

public func runDistill(_ job: DistillJob) throws -> DistillOutcome {
    let s = job.settings
    try s.validate()
    let began = monotonicSeconds()
    // MARK: models
    let compiledModel = try readCompiledModel(job.compiled)
    let teacher = CompiledTeacher(compiledModel)
    let layers = compiledModel.layers.count
    let (base, _) = try loadRunnableModel(job.model, root: job.root)
    let student = try job.initWeights.map { try startingWeights($0, base: base) } ?? base
    // Read once: the run's identity and the summary both carry it.
    let initWeightsSHA = try job.initWeights.map { try sha256Hex(ofFile: $0) }
    guard layers < student.config.nLayers else {
        throw InjectionError("the compiled program has \(layers) layers, so \(layers + 1) residuals must be aligned, but the LM has \(student.config.nLayers) blocks; choose a deeper LM or a shallower program")
    }
    let lmResiduals = s.alignedResiduals(compiledLayers: layers, lmBlocks: student.config.nLayers)
    if let problem = alignedResidualsProblem(lmResiduals, layers: layers, lmBlocks: student.config.nLayers) {
        let most = Double(student.config.nLayers - 1) / Double(max(layers, 1))
        let fix = if case .residuals = s.layerStride { "give \(layers + 1) increasing LM residuals, the last below \(student.config.nLayers)" }
                  else { "use a stride ≤ \(String(format: "%.3f", most))" }
        throw InjectionError("--layer-stride \(s.layerStride) does not fit this program (\(layers) layers) and LM (\(student.config.nLayers) blocks): \(problem); \(fix)")
    }
    // The KL teacher is the untouched base model, also when the student starts from other weights.
    let frozen = job.initWeights == nil ? student.copy() : base
    let adapter = Adapter(lmWidth: student.config.dModel, compiledWidth: compiledModel.width, seed: s.seed)
    let excludedDims = try excludedDimensions(s.excludedVariables, of: compiledModel)
    let objective = Objective(method: job.method, student: student, teacher: frozen, adapter: adapter, layers: layers,
                              outputDims: compiledModel.output.dims, weights: s.loss, detachAndRoll: s.detachAndRoll,
                              excludedDims: excludedDims, lmResiduals: lmResiduals)
    // MARK: data
    let tokenizer = try loadTaskTokenizer(model: job.model, root: job.root, task: job.task)
    guard let eos = tokenizer.bpe.eos else { throw InjectionError("the tokenizer of \(job.model) has no end-of-sequence token to pad with") }
    var records = try readTaskRecords(job.train)
    let nVal = min(s.validationExamples, max(records.count - s.taskBatch, 0))
    let validation = Array(records[..<nVal])
    records.removeFirst(nVal)
    let textRows = s.textBatch > 0 && s.loss.gamma != 0
        ? try readTextRows(job.documents, tokenizer: tokenizer, tokensPerRow: s.textTokens, pad: eos, rowsNeeded: s.steps * s.textBatch)
        : []
    let data = TrainingData(train: records, validation: validation, textRows: textRows, pad: Int32(eos))
    var fit: AdapterFit? = nil
    if job.method == .injection && s.adapterInit == .leastSquares {
        let n = min(s.adapterInitExamples, records.count)
        if job.progress { print("distill: fitting the adapter by least squares on the untouched LM's residuals (\(n) training examples)") }
        fit = try fitAdapterByLeastSquares(adapter, model: student, teacher: teacher, records: Array(records[..<n]),
                                           pad: Int32(eos), layers: layers, outputDims: compiledModel.output.dims,
                                           batch: max(s.taskBatch, 8), lmResiduals: lmResiduals)
        if job.progress, let fit {
            print("distill: adapter fitted on \(fit.rows) rows in \(String(format: "%.1f", fit.seconds)) s; cosine per layer "
                  + fit.cosine.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
    }
    if job.method == .injection && s.outputRows == .unembedding {
        let n = min(s.adapterInitExamples, records.count)
        let u = try setOutputRowsToUnembedding(adapter, model: student, teacher: teacher, records: Array(records[..<n]), pad: Int32(eos),
                                               layers: layers, outputDims: compiledModel.output.dims, batch: max(s.taskBatch, 8))
        if job.progress {
            let names = zip(compiledModel.output.dims, u.tokens).map { dim, t in
                "\(compiledModel.residualLabels[dim]) → \(t.map { "'" + tokenizer.bpe.decode([$0]) + "'" } ?? "kept")"
            }
            print("distill: output rows along the LM head's readout of their answer tokens (\(u.positions) answer positions, \(String(format: "%.1f", 100 * u.agreement)) % agree): " + names.joined(separator: ", "))
        }
    }
    // MARK: loop
    let runID = try runIdentity(job, initWeightsSHA: initWeightsSHA)
    let trainer = try Trainer(settings: s, objective: objective, compiled: teacher, data: data,
                              checkpointDir: job.checkpointDir, runID: runID)
    trainer.progress = job.progress
    let result = try trainer.run()
    if result.interrupted {
        return DistillOutcome(summary: nil, metrics: [:], interrupted: true)
    }
    // MARK: outputs
    let info = AdapterInfo(layers: layers, outputDims: compiledModel.output.dims,
                           extra: ["task": job.task.rawValue, "method": job.method.rawValue, "trained": job.method == .injection ? "true" : "false"],
                           residuals: lmResiduals)
    try AdapterFile.write(adapter, info: info, to: job.outAdapter)
    try WeightsFile.write(student, to: job.outWeights, metadata: ["task": job.task.rawValue, "method": job.method.rawValue,
                                                                 "base_model": job.model, "profile": job.profile])
    var logBytes: [UInt8] = []
    for line in result.log { logBytes += try line.encoded(); logBytes.append(10) }
    try writeFileAtomically(job.outLog, bytes: logBytes)
    let wall = monotonicSeconds() - began
    let steps = result.stepsDone
    let cosines = finalCosines(result.log)
    var summary = StageFiles.DistillSummary(
        task: job.task.rawValue, method: job.method.rawValue, profile: job.profile, steps: steps,
        settings: try canonicalJSON(s), alg_normalization: s.loss.normalization.rawValue,
        examples: DistillExamples(train: records.count, validation: validation.count, text_rows: textRows.count,
                                  task_epochs: Double(steps * s.taskBatch) / Double(records.count)),
        final: FinalLosses(loss: Double(result.last.total), ce: Double(result.last.ce),
                           alg: job.method == .injection ? Double(result.last.alg) : nil, kl: Double(result.last.kl)),
        cosine_per_layer: job.method == .injection ? cosines : nil,
        validation_accuracy_curve: result.curve.map { AccuracyPoint(step: $0.step, accuracy: $0.accuracy) },
        validation_accuracy_rolled_curve: result.log.compactMap { line in
            line.validation_accuracy_rolled.map { AccuracyPoint(step: line.step, accuracy: $0) }
        },
        adapter_init: fit.map {
            AdapterInitSummary(examples: $0.examples, rows: $0.rows, ridge: $0.ridge, cosine_per_layer: $0.cosine.map { Double($0) },
                               seconds: $0.seconds, output_dims_kept_random: $0.keptRandom)
        },
        wall_seconds: wall, train_seconds: result.seconds, seconds_per_step: result.seconds / Double(max(steps, 1)),
        tokens_per_second: Double(result.tokensProcessed) / max(result.seconds, 1e-9), peak_rss_bytes: peakResidentBytes(),
        threads: Threads.count, blas: BLASChoice(cpu: cpuModelName(), core: Threads.blasCoreName, reason: blasChoiceReason,
                                                 precision: Precision.current.rawValue, precision_reason: Precision.reason),
        seconds_per_phase: objective.phaseSeconds.merging(trainer.timing) { $0 + $1 })
    if let path = job.initWeights, let sha = initWeightsSHA { summary.init_weights = .init(path: path, sha256: sha) }
    try writeFileAtomically(job.outSummary, bytes: try summary.encoded())
    var metrics: [String: Double] = ["final_ce": Double(result.last.ce), "final_kl": Double(result.last.kl),
                                     "seconds_per_step": result.seconds / Double(max(steps, 1))]
    if let acc = result.curve.last?.accuracy { metrics["validation_accuracy"] = acc }
    if let rolled = result.log.last(where: { $0.validation_accuracy_rolled != nil })?.validation_accuracy_rolled {
        metrics["validation_accuracy_rolled"] = rolled
    }
    if job.method == .injection {
        metrics["final_alg"] = Double(result.last.alg)
        metrics["mean_cosine"] = cosines.reduce(0, +) / Double(max(cosines.count, 1))
    }
    if let dir = job.checkpointDir { try? FileManager.default.removeItem(atPath: dir) }
    return DistillOutcome(summary: summary, metrics: metrics, interrupted: false)
}

/// Per-layer cosine averaged over the last min(10, steps) steps (single steps are noisy).
func finalCosines(_ log: [DistillLogLine]) -> [Double] {
    let tail = log.suffix(10).compactMap(\.cos)
    guard let first = tail.first else { return [] }
    return (0..<first.count).map { i in tail.map { $0[i] }.reduce(0, +) / Double(tail.count) }
}

/// SHA-256 over the settings, task, method, model, the content of every input file and the digest
/// of `--init-weights`: a checkpoint is only resumed by the same run, also when distill is run by hand.
func runIdentity(_ job: DistillJob, initWeightsSHA: String? = nil) throws -> String {
    var h = SHA256()
    h.update(data: try CanonicalJSON.encode(try canonicalJSON(job.settings)))
    for part in [job.task.rawValue, job.method.rawValue, job.model] { h.update(data: Array(part.utf8)); h.update(data: [0]) }
    for f in [job.compiled, job.train, job.documents] {
        guard let file = FileHandle(forReadingAtPath: f) else { throw InjectionError("cannot read \(f) (needed to identify the run)") }
        defer { try? file.close() }
        while let chunk = try file.read(upToCount: 1 << 22), !chunk.isEmpty { h.update(data: chunk) }
        h.update(data: [0])
    }
    if let initWeightsSHA { h.update(data: Array(initWeightsSHA.utf8)) }
    return h.finalize().map { String(format: "%02x", $0) }.joined()
}

/// The student of `--init-weights`: a graft weights file of the base model's architecture.
func startingWeights(_ path: String, base: TransformerLM) throws -> TransformerLM {
    let (model, _) = try WeightsFile.read(path)
    guard model.config == base.config else {
        throw InjectionError("--init-weights \(path): its model config (\(model.config.nLayers) blocks, width \(model.config.dModel), vocabulary \(model.config.vocabSize)) is not the base model's (\(base.config.nLayers), \(base.config.dModel), \(base.config.vocabSize)); give weights that distill wrote for the same --model")
    }
    return model
}

/// The residual coordinates of the named compiled variables; an unknown label, or the output
/// variable (the one detach-and-roll keeps), is an error that lists the labels there are.
func excludedDimensions(_ labels: [String], of model: CompiledModel) throws -> [Int] {
    let byLabel = Dictionary(model.variables.map { ($0.label, $0.dims) }, uniquingKeysWith: { a, b in a + b })
    var dims: [Int] = []
    for label in labels {
        guard label != model.outputLabel else {
            throw InjectionError("--exclude-variables: \(label) is the output variable; its subspace is what detach-and-roll keeps, so it cannot leave the loss")
        }
        guard let d = byLabel[label] else {
            throw InjectionError("--exclude-variables: the compiled model has no variable '\(label)'; it has \(byLabel.keys.sorted().joined(separator: ", "))")
        }
        dims += d
    }
    return Array(Set(dims)).sorted()
}
