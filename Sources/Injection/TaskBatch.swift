// Task examples as distill reads them from generate-data's JSON Lines, and one training batch
// of them: right-padded LM token rows, next-token targets on the answer tokens only, and the
// compiled model's residual after each layer 0...k gathered at every LM position that has a
// compiled position (METHOD §2.5: LM token t ↔ compiled position lm_to_compiled[t]).
// Legend: B rows, T positions (longest row of the batch), N = B·T, C compiled width, k layers.
import Compiler
import Foundation
import RASP
import Tasks

/// One supervised example with its compiled inputs.
public struct TaskRecord: Sendable, Equatable {
    public var lmTokens: [Int32]
    /// LM tokens of the prompt alone; lmTokens[promptTokens...] are the answer's tokens.
    public var promptTokens: Int
    /// Compiled input tokens without the leading BOS.
    public var compiledTokens: [String]
    /// Compiled position (BOS = 0) of each LM token, or −1 for none.
    public var lmToCompiled: [Int]
    public init(lmTokens: [Int32], promptTokens: Int, compiledTokens: [String], lmToCompiled: [Int]) {
        self.lmTokens = lmTokens; self.promptTokens = promptTokens
        self.compiledTokens = compiledTokens; self.lmToCompiled = lmToCompiled
    }
}

/// Reads a task JSON Lines file (Tasks' `readTaskFile`); every line must carry compiled inputs
/// (generate-data with an LM tokenizer) — a missing field is an error naming the file and line.
public func readTaskRecords(_ path: String) throws -> [TaskRecord] {
    try readTaskFile(path, needs: TaskFileNeeds(compiled: true)).rows.map { row in
        let c = row.compiled!
        return TaskRecord(lmTokens: c.lmTokens.map(Int32.init), promptTokens: c.promptTokens,
                          compiledTokens: Array(c.compiledTokens.dropFirst()), lmToCompiled: c.lmToCompiled)
    }
}

/// One batch of task examples, ready for the student's forward and the losses.
public struct TaskBatch {
    public let b: Int, t: Int
    /// [B·T] token ids, rows right-padded with `pad`.
    public var tokens: [Int32]
    /// [B·T] next-token target at every position that predicts an answer token, −1 elsewhere.
    public var targets: [Int32]
    /// [B·T] whether the position takes part in the algorithm loss (real token with a compiled position).
    public var aligned: [Bool]
    /// Compiled residual after layer i (i = 0...k), each [B·T, C], zero rows where not aligned.
    public var compiled: [[Float]]
    public var answerTokens: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}

/// Runs the compiled model on records and gathers targets; holds the vocabulary lookup.
public struct CompiledTeacher: Sendable {
    public let model: CompiledModel
    public let runner: ModelRunner
    public let layers: Int
    private let vocabulary: [String: Value]

    public init(_ model: CompiledModel) {
        self.model = model
        runner = ModelRunner(model)
        layers = model.layers.count
        var v: [String: Value] = [:]
        for t in model.tokens { v[t.description] = t }
        vocabulary = v
    }

    public var width: Int { model.width }

    /// The compiled residuals 0...k of one example, [n × C] each (n = compiled positions incl. BOS).
    public func residuals(_ r: TaskRecord) throws -> [[Float]] {
        var input: [Value] = []
        input.reserveCapacity(r.compiledTokens.count)
        for s in r.compiledTokens {
            guard let v = vocabulary[s] else {
                throw InjectionError("compiled token '\(s)' is not in the compiled model's vocabulary \(model.vocab.map(\.description)); the data and the compiled program disagree (regenerate one of them)")
            }
            input.append(v)
        }
        do { return try runner.forward(input).residuals } catch {
            throw InjectionError("compiled model: \(error)")
        }
    }

    /// Assembles a batch; `withTargets` false skips the compiled forward (the baseline).
    public func batch(_ records: [TaskRecord], pad: Int32, withTargets: Bool) throws -> TaskBatch {
        var batch = CompiledTeacher.plainBatch(records, pad: pad)
        guard withTargets else { return batch }
        let n = batch.b * batch.t, c = width
        var compiled = [[Float]](repeating: [Float](repeating: 0, count: n * c), count: layers + 1)
        for (row, r) in records.enumerated() {
            let base = row * batch.t
            let res = try residuals(r)
            let positions = res[0].count / c
            for (p, cp) in r.lmToCompiled.enumerated() where cp >= 0 {
                guard cp < positions else {
                    throw InjectionError("example maps LM position \(p) to compiled position \(cp), but the compiled input has \(positions) positions")
                }
                batch.aligned[base + p] = true
                for i in 0...layers {
                    res[i].withUnsafeBufferPointer { src in
                        compiled[i].withUnsafeMutableBufferPointer { dst in
                            (dst.baseAddress! + (base + p) * c).update(from: src.baseAddress! + cp * c, count: c)
                        }
                    }
                }
            }
        }
        batch.compiled = compiled
        return batch
    }

    /// Tokens and answer targets only (no compiled forward): the baseline's batches and the
    /// shared start of `batch`.
    public static func plainBatch(_ records: [TaskRecord], pad: Int32) -> TaskBatch {
        let b = records.count, t = records.map(\.lmTokens.count).max()!
        var tokens = [Int32](repeating: pad, count: b * t), targets = [Int32](repeating: -1, count: b * t)
        for (row, r) in records.enumerated() {
            for (p, id) in r.lmTokens.enumerated() { tokens[row * t + p] = id }
            for p in (r.promptTokens - 1)..<(r.lmTokens.count - 1) { targets[row * t + p] = r.lmTokens[p + 1] }
        }
        return TaskBatch(b: b, t: t, tokens: tokens, targets: targets, aligned: [Bool](repeating: false, count: b * t), compiled: [])
    }
}
