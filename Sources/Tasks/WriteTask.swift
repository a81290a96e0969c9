// The `generate-data task` operation: generate one task's data, optionally compute compiled
// inputs with an LM tokenizer, and write train/test/OOD JSON Lines plus the data card
// (JSON and Markdown), each to the file path the caller names, atomically. Train/test examples
// must fit the compiled model; OOD examples that do not get no compiled fields.
import Dispatch
import Foundation
import JSONText
import Support

public struct TaskOutputs: Sendable {
    public var train: String
    public var test: String
    public var ood: String
    public var card: String
    public var cardMarkdown: String?
    public init(train: String, test: String, ood: String, card: String, cardMarkdown: String? = nil) {
        self.train = train; self.test = test; self.ood = ood; self.card = card; self.cardMarkdown = cardMarkdown
    }
}

/// Generates and writes everything; returns the card. Each file is written in chunks (compiled
/// inputs and JSON encoded in parallel per chunk), so memory stays bounded by the examples
/// themselves, not by their encodings.
@discardableResult
public func writeTaskData(_ task: TaskKind, profile: String, sizes: TaskSizes, options: OODOptions, seed: UInt64,
                          outputs: TaskOutputs, tokenizer: (any TextTokenizer)? = nil, tokenizerName: String? = nil,
                          paperSumBug: Bool = false, progress: Bool = false) throws -> TaskDataCard {
    var d = try generateTaskData(task, sizes: sizes, options: options, seed: seed, progress: progress)
    var aligner: SetAligner? = nil
    if let tokenizer {
        let tr = try TokenTranslator(task: task, tokenizer: tokenizer, paperSumBug: paperSumBug)
        d.notes.choices += tr.choices
        aligner = SetAligner(translator: tr, tokenizer: tokenizer)
    }
    let total = d.train.count + d.test.count + d.ood.reduce(0) { $0 + $1.examples.count }
    let bar = progress ? ProgressBar(aligner == nil ? "write \(task.rawValue)" : "align \(task.rawValue)", total: total, unit: "ex") : nil
    var tooLong: [String: Int] = [:]
    tooLong["train"] = try writeJSONLines(outputs.train, [(d.train, "train", nil)], aligner: aligner, progress: bar)[0]
    tooLong["test"] = try writeJSONLines(outputs.test, [(d.test, "test", nil)], aligner: aligner, progress: bar)[0]
    let oodCounts = try writeJSONLines(outputs.ood, d.ood.map { ($0.examples, "ood/" + $0.name, $0.name) }, aligner: aligner, progress: bar)
    for (set, n) in zip(d.ood, oodCounts) { tooLong["ood/" + set.name] = n }
    bar?.finish()
    let card = makeCard(d, profile: profile, seed: seed, sizes: sizes, options: options,
                        compiledTooLong: aligner == nil ? nil : tooLong, tokenizer: tokenizerName)
    try writeFileAtomically(outputs.card, bytes: try canonicalJSON(card))
    if let md = outputs.cardMarkdown { try writeFileAtomically(md, bytes: Array(markdown(card).utf8)) }
    return card
}

/// The translator and tokenizer that give examples their compiled inputs.
struct SetAligner {
    let translator: TokenTranslator
    let tokenizer: any TextTokenizer
}

/// Writes the sets (examples, name for errors, `set` field or nil) one after another into one
/// JSON Lines file, atomically. Chunks of `chunk` examples are split over the cores in contiguous
/// parts; each part aligns and encodes its rows into its own buffer, and the buffers are written
/// in order, so the bytes do not depend on scheduling. The first error in example order is
/// thrown (nothing is then written). Returns, per set, the examples left without compiled
/// fields (too long: OOD only), or nil without an aligner.
func writeJSONLines(_ path: String, _ sets: [(examples: [Example], name: String, field: String?)], aligner: SetAligner?,
                    chunk: Int = 1 << 16, progress: ProgressBar? = nil) throws -> [Int?] {
    var counts: [Int?] = []
    let cores = ProcessInfo.processInfo.activeProcessorCount
    // One tokenizer per part, each with its own unlocked cache: no lock traffic between threads.
    let workers = aligner.map { a in (0..<cores).map { _ in a.tokenizer.forOneThread() } } ?? []
    try writeFileAtomically(path) { write in
        for set in sets {
            var tooLong = 0
            for start in stride(from: 0, to: set.examples.count, by: chunk) {
                let range = start..<min(start + chunk, set.examples.count)
                let parts = max(1, min(cores, range.count / 1000))
                var buffers = [[UInt8]](repeating: [], count: parts)
                var missing = [Int](repeating: 0, count: parts)
                var errors = [(any Error)?](repeating: nil, count: parts)
                buffers.withUnsafeMutableBufferPointer { buffers in
                    missing.withUnsafeMutableBufferPointer { missing in
                        errors.withUnsafeMutableBufferPointer { errors in
                            nonisolated(unsafe) let out = buffers, miss = missing, err = errors
                            nonisolated(unsafe) let aligner = aligner, workers = workers   // part k alone uses workers[k]
                            DispatchQueue.concurrentPerform(iterations: parts) { k in
                                let lo = range.lowerBound + range.count * k / parts, hi = range.lowerBound + range.count * (k + 1) / parts
                                var bytes: [UInt8] = []
                                bytes.reserveCapacity((hi - lo) * (aligner == nil ? 100 : 400))
                                for i in lo..<hi {
                                    var compiled: CompiledInput? = nil
                                    if let a = aligner {
                                        do {
                                            compiled = try compiledInputThatFits(set.examples[i], set: set.name, translator: a.translator, tokenizer: workers[k])
                                        } catch { err[k] = error; return }
                                        if compiled == nil { miss[k] += 1 }
                                    }
                                    appendJSONLine(set.examples[i], set: set.field, compiled: compiled, to: &bytes)
                                }
                                out[k] = bytes
                            }
                        }
                    }
                }
                if let e = errors.compactMap({ $0 }).first { throw e }
                for b in buffers { try b.withUnsafeBytes { try write($0) } }
                tooLong += missing.reduce(0, +)
                progress?.advance(range.count)
            }
            counts.append(aligner == nil ? nil : tooLong)
        }
    }
    return counts
}

/// The compiled input of one example, or nil for an OOD example longer than the compiled
/// model's max_seq_len (it gets no compiled fields; the card counts them). A train or test
/// example that does not fit is an error.
func compiledInputThatFits(_ e: Example, set: String, translator tr: TokenTranslator, tokenizer: some TextTokenizer) throws -> CompiledInput? {
    let c = try tr.compiledInput(for: e, tokenizer: tokenizer)
    let limit = compiledMaxLength(tr.task)
    guard c.lmTokens.count > limit else { return c }
    if set.hasPrefix("ood/") { return nil }
    throw AlignmentError(description: "\(tr.task.rawValue) \(set) example \(jsonString(e.text)) is \(c.lmTokens.count) LM tokens, more than the compiled model's max_seq_len \(limit); raise compile/\(tr.task.rawValue)'s max_seq_len in pipeline.json together with compiledMaxLength (Sources/Tasks/Alignment.swift)")
}
