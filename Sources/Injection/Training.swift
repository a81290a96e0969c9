// The distill loop: seeded data order, one Objective step per batch, AdamW, the accuracy curve on
// held-out training examples, checkpoints (resume gives the same bytes as an uninterrupted run),
// a NaN/Inf guard that stops at the last good checkpoint, and Ctrl-C/SIGTERM handled between
// steps (a checkpoint is written, then the process exits 130).
import Artifacts
import Engine
import Foundation
import JSONText
import LM
import StageFiles
import Support
import Tensor

/// Everything a training run consumes, already loaded.
public struct TrainingData {
    public var train: [TaskRecord]
    public var validation: [TaskRecord]
    /// General-text rows for the KL pass, each `textTokens` long (cycled when exhausted).
    public var textRows: [[Int32]]
    public var pad: Int32
    public init(train: [TaskRecord], validation: [TaskRecord], textRows: [[Int32]], pad: Int32) {
        self.train = train; self.validation = validation; self.textRows = textRows; self.pad = pad
    }
}

/// What a finished (or interrupted) run leaves behind in memory.
public struct TrainingResult {
    public var stepsDone: Int
    public var log: [DistillLogLine]              // one line per step
    public var curve: [(step: Int, accuracy: Double)]
    public var last: StepLosses
    public var interrupted: Bool
    public var seconds: Double
    public var tokensProcessed: Int
}

public struct NonFiniteLossError: Error, CustomStringConvertible {
    public let description: String
}

/// Set by SIGINT/SIGTERM; the loop stops after the current step.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

public func installStopHandlers() {
    signal(SIGINT) { _ in stopRequested = 1 }
    signal(SIGTERM) { _ in stopRequested = 1 }
}

public final class Trainer {
    public let settings: DistillSettings
    public let objective: Objective
    public let teacherModel: CompiledTeacher?
    public let optimizer: AdamW
    public let data: TrainingData
    /// Directory for `checkpoint.safetensors` and `log.jsonl`; nil: no checkpoints.
    public let checkpointDir: String?
    /// Identity of the run (settings, inputs): a checkpoint of another run is refused.
    public let runID: String
    public var progress = true
    /// Seconds per phase outside the objective (batches, AdamW, validation, checkpoints).
    public private(set) var timing: [String: Double] = [:]

    public init(settings: DistillSettings, objective: Objective, compiled: CompiledTeacher?, data: TrainingData,
                checkpointDir: String?, runID: String) throws {
        try settings.validate()
        guard data.train.count >= settings.taskBatch else {
            throw InjectionError("\(data.train.count) training examples are fewer than one batch of \(settings.taskBatch)")
        }
        if settings.textBatch > 0 && objective.weights.gamma != 0 && data.textRows.count < settings.textBatch {
            throw InjectionError("\(data.textRows.count) general-text rows are fewer than one batch of \(settings.textBatch)")
        }
        let perEpoch = Dictionary(grouping: data.train, by: \.lmTokens.count).values.reduce(0) { $0 + $1.count / settings.taskBatch }
        if settings.taskBatches == .sameLength && perEpoch == 0 {
            let lengths = Dictionary(grouping: data.train, by: \.lmTokens.count).mapValues(\.count)
            throw InjectionError("--task-batches same-length: no token length has \(settings.taskBatch) training rows (rows per length: \(lengths.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))); use --task-batches shuffled or a smaller --task-batch")
        }
        self.settings = settings; self.objective = objective; teacherModel = compiled; self.data = data
        self.checkpointDir = checkpointDir; self.runID = runID
        sameLengthBatchesPerEpoch = perEpoch
        var groups = [AdamWGroup(name: "model", store: objective.student.params,
                                 hyper: AdamWHyper(lr: settings.lrModel, weightDecay: settings.weightDecay))]
        if objective.method == .injection {
            groups.append(AdamWGroup(name: "adapter", store: objective.adapter.params,
                                     hyper: AdamWHyper(lr: settings.lrAdapter, weightDecay: settings.weightDecay)))
        }
        optimizer = AdamW(groups: groups)
        objective.complementSource = settings.complement
        baseLearningRates = Dictionary(uniqueKeysWithValues: groups.map { ($0.name, $0.hyper.lr) })
        belowHook = parameterRangesBelowHook(objective.student, hookBlock: objective.hookBlock)
    }

    /// Each AdamW group's learning rate after the warm-up.
    let baseLearningRates: [String: Float]
    /// Where the LM below the hook lies in its parameter store (`--freeze-below-hook`).
    let belowHook: [Range<Int>]

    // MARK: - Data order

    /// Example indices of step `s` under `settings.taskBatches`.
    func taskIndices(step s: Int) -> [Int] {
        switch settings.taskBatches {
        case .shuffled: shuffledIndices(step: s)
        case .sameLength: sameLengthIndices(step: s)
        }
    }

    /// The seeded permutation of the training rows in epoch `epoch`.
    func epochPermutation(_ epoch: Int) -> [Int] {
        var perm = Array(0..<data.train.count)
        var rng = SeededRNG(seed: settings.seed).derived("task-order-epoch-\(epoch)")
        for i in stride(from: perm.count - 1, to: 0, by: -1) { perm.swapAt(i, rng.below(i + 1)) }
        return perm
    }

    /// Consecutive slices of per-epoch seeded permutations (a batch may span two epochs).
    func shuffledIndices(step s: Int) -> [Int] {
        let n = data.train.count, b = settings.taskBatch
        var out: [Int] = []
        var cachedEpoch = -1, perm: [Int] = []
        for j in 0..<b {
            let global = s * b + j, epoch = global / n
            if epoch != cachedEpoch { perm = epochPermutation(epoch); cachedEpoch = epoch }
            out.append(perm[global % n])
        }
        return out
    }

    /// Batches of one epoch under `.sameLength`: the permutation split by token length, each
    /// length's rows cut into batches of `taskBatch` (a short remainder sits out), the batches in
    /// the order of their first row in the permutation. Every epoch has `sameLengthBatchesPerEpoch`.
    func sameLengthBatches(epoch: Int) -> [[Int]] {
        let b = settings.taskBatch
        var open: [Int: [Int]] = [:]
        var batches: [(first: Int, rows: [Int])] = []
        var firstPosition: [Int: Int] = [:]
        for (position, row) in epochPermutation(epoch).enumerated() {
            let length = data.train[row].lmTokens.count
            if open[length, default: []].isEmpty { firstPosition[length] = position }
            open[length, default: []].append(row)
            if open[length]!.count == b {
                batches.append((firstPosition[length]!, open[length]!))
                open[length] = []
            }
        }
        return batches.sorted { $0.first < $1.first }.map(\.rows)
    }

    /// Σ over token lengths of ⌊rows of that length / taskBatch⌋ (the same in every epoch).
    let sameLengthBatchesPerEpoch: Int

    private var sameLengthCache: (epoch: Int, batches: [[Int]])? = nil
    func sameLengthIndices(step s: Int) -> [Int] {
        let perEpoch = sameLengthBatchesPerEpoch
        let epoch = s / perEpoch
        if sameLengthCache?.epoch != epoch { sameLengthCache = (epoch, sameLengthBatches(epoch: epoch)) }
        return sameLengthCache!.batches[s % perEpoch]
    }

    /// Text rows of step `s`, in file order, cycled.
    func textBatch(step s: Int) -> [Int32] {
        let b = settings.textBatch
        return (0..<b).flatMap { data.textRows[(s * b + $0) % data.textRows.count] }
    }

    // MARK: - Checkpoints

    var checkpointPath: String? { checkpointDir.map { $0 + "/checkpoint.safetensors" } }
    var logPath: String? { checkpointDir.map { $0 + "/log.jsonl" } }

    /// Lines of `log.jsonl` that the last checkpoint counts (the file grows by appends only).
    private var logLinesOnDisk = 0

    /// Appends the log lines since the last checkpoint to `log.jsonl`, then writes the checkpoint
    /// (atomically) with the line count it goes with. A crash between the two leaves lines that the
    /// checkpoint does not count; `resume` cuts them off. The validation curve is in the log lines.
    func saveCheckpoint(step: Int, log: [DistillLogLine]) throws {
        guard let dir = checkpointDir, let path = checkpointPath, let logPath else { return }
        for g in optimizer.groups where !allFinite(g.store.values) {
            throw NonFiniteLossError(description: "distill: the \(g.name) parameters are not finite after step \(step); no checkpoint was written and the last good one is kept. Lower the learning rates (--lr-model, --lr-adapter) and rerun: it resumes from that checkpoint.")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var logBytes: [UInt8] = []
        for line in log[logLinesOnDisk...] { logBytes += try line.encoded(); logBytes.append(10) }
        try appendToFile(logPath, bytes: logBytes)
        logLinesOnDisk = log.count
        try TrainingState.write(optimizer, metadata: ["run": runID, "steps_done": String(step), "log_lines": String(log.count)], to: path)
    }

    /// Restores the last checkpoint of this run, if any: (step, log, curve). Without one, a log
    /// that a run killed before its first checkpoint left is removed.
    func resume() throws -> (Int, [DistillLogLine], [(step: Int, accuracy: Double)])? {
        guard let path = checkpointPath, let logPath else { return nil }
        guard FileManager.default.fileExists(atPath: path) else {
            try? FileManager.default.removeItem(atPath: logPath)
            return nil
        }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw InjectionError("cannot read checkpoint \(path)") }
        let meta = try TrainingState.decode([UInt8](bytes), into: optimizer, source: path)
        guard meta["run"] == runID else {
            throw InjectionError("checkpoint \(path) belongs to another run (settings or inputs differ); delete \(checkpointDir!) to start afresh")
        }
        guard let step = Int(meta["steps_done"] ?? ""), let lines = Int(meta["log_lines"] ?? "") else {
            throw InjectionError("checkpoint \(path) lacks steps_done/log_lines metadata; delete \(checkpointDir!) to start afresh")
        }
        // Only the lines the checkpoint counts are read: what follows them was appended by a run
        // that died before its next checkpoint (possibly mid-line) and is cut off.
        let text = FileManager.default.contents(atPath: logPath) ?? Data()
        let counted = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(lines)
        guard counted.count == lines, counted.allSatisfy({ !$0.isEmpty }) else {
            throw InjectionError("\(logPath) has fewer than the \(lines) lines the checkpoint expects; delete \(checkpointDir!) to start afresh")
        }
        let kept = Data(counted.map { Data($0) + [10] }.joined())
        let log = try readStageLines(DistillLogLine.self, from: kept, path: logPath, what: "distill log line")
        if kept.count != text.count { try writeFileAtomically(logPath, bytes: [UInt8](kept)) }
        logLinesOnDisk = lines
        let curve = log.compactMap { l in l.validation_accuracy.map { (step: l.step, accuracy: $0) } }
        return (step, log, curve)
    }

    // MARK: - The loop

    /// Removes the temporary files of an atomic write that a killed run left in the checkpoint
    /// folder (a checkpoint is never partial, but its ≈ 1.6 GB temporary would stay); returns the bytes freed.
    @discardableResult
    func removeStaleTemporaries() -> Int {
        guard let dir = checkpointDir else { return 0 }
        var freed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(".tmp-") {
            let path = dir + "/" + name
            freed += treeBytes(path)
            removeTree(path)
        }
        if freed > 0 && progress { print("distill: removed \(freed / 1_000_000) MB of temporary files a killed run left in \(dir)") }
        return freed
    }

    public func run() throws -> TrainingResult {
        removeStaleTemporaries()
        var log: [DistillLogLine] = [], curve: [(step: Int, accuracy: Double)] = []
        var start = 0
        if let (s, l, c) = try resume() {
            start = s; log = l; curve = c
            if progress { print("distill: resuming from the checkpoint at step \(s) of \(settings.steps)") }
        }
        let bar = progress ? ProgressBar("distill \(objective.method.rawValue)", total: settings.steps, unit: "step", logEvery: 30) : nil
        bar?.resume(from: start)
        var last = StepLosses()
        let began = monotonicSeconds()
        var tokens = 0
        var step = start
        var interrupted = false
        while step < settings.steps {
            let records = taskIndices(step: step).map { data.train[$0] }
            let batchStart = monotonicSeconds()
            let batch = try teacherModel.map { try $0.batch(records, pad: data.pad, withTargets: objective.method == .injection) }
                ?? CompiledTeacher.plainBatch(records, pad: data.pad)
            let text = settings.textBatch > 0 ? textBatch(step: step) : nil
            timing["batch (compiled targets)", default: 0] += monotonicSeconds() - batchStart
            var refit: OutputRefit? = nil
            if settings.refitsOutput(step: step), objective.method == .injection, let teacherModel {
                let n = min(settings.adapterInitExamples, data.train.count)
                refit = try refitOutputRows(objective.adapter, model: objective.student, teacher: teacherModel,
                                            records: Array(data.train[..<n]), pad: data.pad, layers: objective.layers,
                                            outputDims: objective.outputDims, lmResiduals: objective.lmResiduals,
                                            batch: max(settings.taskBatch, 8))
                timing["output refit", default: 0] += refit!.seconds
            }
            optimizer.zeroGrad()
            let strength = settings.detachAndRollStrength(step: step)
            objective.detachAndRollActive = strength > 0
            if strength > 0 { objective.detachAndRollStrength = strength }
            let losses = try objective.step(task: batch, text: text, textRows: settings.textBatch, textLength: settings.textTokens)
            guard losses.isFinite else {
                throw NonFiniteLossError(description: "distill: a non-finite loss at step \(step + 1) (total \(losses.total), ce \(losses.ce), alg \(losses.alg), kl \(losses.kl)); the parameters of this step were not applied and the last good checkpoint (step \(step - step % settings.checkpointEvery)) is kept. Lower the learning rates (--lr-model, --lr-adapter) and rerun: it resumes from that checkpoint.")
            }
            let updateStart = monotonicSeconds()
            let factor = settings.learningRateFactor(step: step)
            for g in optimizer.groups { g.hyper.lr = baseLearningRates[g.name, default: 0] * factor }
            // Held output rows (--freeze-output-rows, or --output-refit-every between refits) take no
            // optimizer step: Adam's steps (≈ lr per weight) are large beside the small weights that read
            // the large-norm residuals at the hook, and undo a fit within a few steps (docs/distill.md).
            let held = settings.holdsOutputRows(step: step) && objective.method == .injection
                ? objective.adapter.outputRows(objective.outputDims) : nil
            let frozen = settings.freezesBelowHook(step: step) && objective.method == .injection
                ? belowHook.map { r in Array(UnsafeBufferPointer(start: objective.student.params.values.pointer + r.lowerBound, count: r.count)) } : nil
            optimizer.update()
            if let held { objective.adapter.setOutputRows(objective.outputDims, held) }
            if let frozen {
                for (r, values) in zip(belowHook, frozen) {
                    values.withUnsafeBufferPointer { (objective.student.params.values.pointer + r.lowerBound).update(from: $0.baseAddress!, count: r.count) }
                }
            }
            timing["AdamW update", default: 0] += monotonicSeconds() - updateStart
            step += 1
            tokens += batch.b * batch.t + (text?.count ?? 0)
            last = losses
            log.append(logLine(step: step, losses))
            if let refit {
                log[log.count - 1].output_refit_rows = refit.rows
                log[log.count - 1].output_refit_agreement = refit.agreement
            }
            var rolled: Double? = nil
            if step % settings.validateEvery == 0 || step == settings.steps, !data.validation.isEmpty {
                let t0 = monotonicSeconds()
                let plain = try validationScore()
                curve.append((step, plain.exact))
                log[log.count - 1].validation_accuracy = plain.exact
                log[log.count - 1].validation_token_accuracy = plain.byToken
                if objective.detachAndRoll {
                    let r = try rolledValidationScore()
                    rolled = r.exact
                    log[log.count - 1].validation_accuracy_rolled = r.exact
                    log[log.count - 1].validation_token_accuracy_rolled = r.byToken
                }
                timing["validation", default: 0] += monotonicSeconds() - t0
            }
            bar?.advance(1, fields: barFields(losses, curve.last?.accuracy, rolled))
            if step % settings.checkpointEvery == 0 {
                let t0 = monotonicSeconds()
                try saveCheckpoint(step: step, log: log)
                timing["checkpoints", default: 0] += monotonicSeconds() - t0
            }
            if stopRequested != 0 {
                if step % settings.checkpointEvery != 0 { try saveCheckpoint(step: step, log: log) }
                interrupted = true
                break
            }
        }
        bar?.finish()
        return TrainingResult(stepsDone: step, log: log, curve: curve, last: last, interrupted: interrupted,
                              seconds: monotonicSeconds() - began, tokensProcessed: tokens)
    }

    func logLine(step: Int, _ l: StepLosses) -> DistillLogLine {
        var o = DistillLogLine(step: step, loss: Double(l.total), ce: Double(l.ce), kl: Double(l.kl),
                               answer_accuracy: l.answerTotal == 0 ? 0 : Double(l.answerCorrect) / Double(l.answerTotal))
        if objective.method == .injection {
            o.alg = Double(l.alg)
            o.cos = l.cosine.map { Double($0) }
            o.detach_and_roll = l.detachAndRoll
            if settings.detachAndRollRamp > 0 { o.detach_and_roll_strength = l.detachAndRoll ? Double(objective.detachAndRollStrength) : 0 }
            if objective.weights.outputEmphasis > 0 { o.output = Double(l.output) }
            if objective.weights.plainCE > 0 && l.detachAndRoll { o.ce_plain = Double(l.cePlain) }
        }
        return o
    }

    func barFields(_ l: StepLosses, _ acc: Double?, _ rolled: Double? = nil) -> [(String, String)] {
        var f: [(String, String)] = [("ce", fmt(l.ce)), ("kl", fmt(l.kl))]
        if objective.method == .injection {
            f.append(("alg", fmt(l.alg)))
            f.append(("cos", l.cosine.map { String(format: "%.2f", $0) }.joined(separator: " ")))
        }
        if let acc { f.append(("val", String(format: "%.0f%%", acc * 100))) }
        if let rolled { f.append(("rolled", String(format: "%.0f%%", rolled * 100))) }
        return f
    }

    func fmt(_ x: Float) -> String { String(format: "%.4f", x) }

    /// Exact-match accuracy on the held-out examples: greedy generation of the answer tokens equals
    /// the answer iff the argmax agrees at every answer position under teacher forcing (no hook).
    public func validationAccuracy() throws -> Double { try validationScore().exact }

    /// The same, with the accuracy of each answer token (teacher forced) beside it.
    public func validationScore() throws -> AnswerAccuracy {
        try answerAccuracy(objective.student, data.validation, pad: data.pad, batch: settings.taskBatch)
    }

    /// The same exact match with detach-and-roll at the output of block k (the current adapter's
    /// output subspace; the complement rolled within each batch of `taskBatch` rows): how often the
    /// answer survives when everything outside the subspace comes from another example. This is the
    /// mechanism injection trains; the plain curve cannot tell it from the baseline's.
    public func rolledValidationAccuracy() throws -> Double { try rolledValidationScore().exact }

    public func rolledValidationScore() throws -> AnswerAccuracy {
        let o = objective, d = o.student.config.dModel
        let p = try subspaceProjector(rows: o.adapter.rows(o.outputDims), r: o.outputDims.count, d: d)
        return try answerAccuracy(o.student, data.validation, pad: data.pad, batch: settings.taskBatch,
                                  hook: (o.hookBlock, DetachAndRoll(projector: p, d: d)))
    }
}

func allFinite(_ b: FloatBuffer) -> Bool {
    let p = b.pointer
    var ok = true
    for i in 0..<b.count where !p[i].isFinite { ok = false; break }
    return ok
}

/// Exact match over some examples, and where it fails: byToken[j] is the fraction of the examples
/// with an answer token j whose token j is the model's argmax (teacher forced), so a first digit
/// learnt and a second one not show as [1, 0.1] while the exact match stays at 0.1.
public struct AnswerAccuracy: Sendable, Equatable {
    public var exact: Double
    public var byToken: [Double]
}

/// Fraction of records whose every answer token is the model's greedy choice: evaluate's exact
/// match (LM's `scoreAnswers`, teacher-forced and batched), so the validation curve and the test
/// accuracy are one measurement. `hook` acts on every forward (the rolled validation accuracy).
public func exactMatchAccuracy(_ model: TransformerLM, _ records: [TaskRecord], pad: Int32, batch: Int,
                               hook: (afterBlock: Int, hook: ResidualHook)? = nil) throws -> Double {
    try answerAccuracy(model, records, pad: pad, batch: batch, hook: hook).exact
}

public func answerAccuracy(_ model: TransformerLM, _ records: [TaskRecord], pad: Int32, batch: Int,
                           hook: (afterBlock: Int, hook: ResidualHook)? = nil) throws -> AnswerAccuracy {
    guard !records.isEmpty else { return AnswerAccuracy(exact: 0, byToken: []) }
    let cases = records.map { AnswerCase(prompt: Array($0.lmTokens[..<$0.promptTokens]), answer: Array($0.lmTokens[$0.promptTokens...])) }
    let predicted = try teacherForcedPredictions(model, cases, shape: BatchShape(rows: batch, tokens: .max), pad: pad, hook: hook)
    let longest = cases.map(\.answer.count).max() ?? 0
    var right = [Int](repeating: 0, count: longest), seen = [Int](repeating: 0, count: longest), exact = 0
    for (p, c) in zip(predicted, cases) {
        if exactMatch(p, c.answer) { exact += 1 }
        for j in c.answer.indices {
            seen[j] += 1
            if p[j] == c.answer[j] { right[j] += 1 }
        }
    }
    return AnswerAccuracy(exact: Double(exact) / Double(cases.count),
                          byToken: zip(right, seen).map { Double($0) / Double(max($1, 1)) })
}

/// The parameter-store ranges of the LM below the hook: the token (and position) embeddings, and
/// with them a tied LM head, and blocks 0…hookBlock; adjacent ranges merged.
func parameterRangesBelowHook(_ model: TransformerLM, hookBlock: Int) -> [Range<Int>] {
    let embeddings: Set<String> = [WeightNames.Llama.embedding, WeightNames.GPT2.tokenEmbedding, WeightNames.GPT2.positionEmbedding]
    let blockPrefixes = (0...hookBlock).flatMap { [WeightNames.Llama.layer($0, ""), WeightNames.GPT2.layer($0, "")] }
    let ranges = model.params.entries
        .filter { e in embeddings.contains(e.name) || blockPrefixes.contains { e.name.hasPrefix($0) } }
        .map { $0.offset..<($0.offset + $0.count) }
        .sorted { $0.lowerBound < $1.lowerBound }
    return ranges.reduce(into: [Range<Int>]()) { merged, r in
        if let last = merged.last, last.upperBound == r.lowerBound { merged[merged.count - 1] = last.lowerBound..<r.upperBound } else { merged.append(r) }
    }
}

