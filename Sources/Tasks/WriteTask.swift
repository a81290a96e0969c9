// The `generate-data task` operation: generate one task's data, optionally compute compiled
// inputs with an LM tokenizer, and write train/test/OOD JSON Lines plus the data card
// (JSON and Markdown), each to the file path the caller names, atomically. Train/test examples
// must fit the compiled model; OOD examples that do not get no compiled fields.
import Dispatch
import Foundation
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

/// Generates and writes everything; returns the card.
@discardableResult
public func writeTaskData(_ task: TaskKind, profile: String, sizes: TaskSizes, options: OODOptions, seed: UInt64,
                          outputs: TaskOutputs, tokenizer: (any TextTokenizer)? = nil, tokenizerName: String? = nil,
                          paperSumBug: Bool = false, progress: Bool = false) throws -> TaskDataCard {
    var d = try generateTaskData(task, sizes: sizes, options: options, seed: seed, progress: progress)
    var compiled: [String: [CompiledInput?]]? = nil
    if let tokenizer {
        let tr = try TokenTranslator(task: task, tokenizer: tokenizer, paperSumBug: paperSumBug)
        d.notes.choices += tr.choices
        let all = [("train", d.train), ("test", d.test)] + d.ood.map { ("ood/" + $0.name, $0.examples) }
        let bar = progress ? ProgressBar("align \(task.rawValue)", total: all.reduce(0) { $0 + $1.1.count }, unit: "ex") : nil
        var c: [String: [CompiledInput?]] = [:]
        for (name, ex) in all {
            c[name] = try compiledInputsThatFit(ex, set: name, translator: tr, tokenizer: tokenizer)
            bar?.advance(ex.count)
        }
        bar?.finish()
        compiled = c
    }
    try writeFileAtomically(outputs.train, bytes: jsonLines(d.train, compiled: compiled?["train"]))
    try writeFileAtomically(outputs.test, bytes: jsonLines(d.test, compiled: compiled?["test"]))
    var ood: [UInt8] = []
    for (name, ex) in d.ood { ood += jsonLines(ex, set: name, compiled: compiled?["ood/" + name]) }
    try writeFileAtomically(outputs.ood, bytes: ood)
    let card = makeCard(d, profile: profile, seed: seed, sizes: sizes, options: options, compiled: compiled, tokenizer: tokenizerName)
    try writeFileAtomically(outputs.card, bytes: try canonicalJSON(card))
    if let md = outputs.cardMarkdown { try writeFileAtomically(md, bytes: Array(markdown(card).utf8)) }
    return card
}

/// The compiled input of one example, or nil for an OOD example longer than the compiled
/// model's max_seq_len (it gets no compiled fields; the card counts them). A train or test
/// example that does not fit is an error.
func compiledInputThatFits(_ e: Example, set: String, translator tr: TokenTranslator, tokenizer: some TextTokenizer) throws -> CompiledInput? {
    let c = try tr.compiledInput(for: e, tokenizer: tokenizer)
    let limit = compiledMaxLength(tr.task)
    guard c.lmTokens.count > limit else { return c }
    if set.hasPrefix("ood/") { return nil }
    throw AlignmentError(description: "\(tr.task.rawValue) \(set) example \(quoted(e.text)) is \(c.lmTokens.count) LM tokens, more than the compiled model's max_seq_len \(limit); raise compile/\(tr.task.rawValue)'s max_seq_len in pipeline.json together with compiledMaxLength (Sources/Tasks/Alignment.swift)")
}

/// `compiledInputThatFits` for every example, in parallel over contiguous chunks (one per core;
/// each result depends only on its example, so the output does not depend on scheduling). The
/// first error in example order is thrown.
func compiledInputsThatFit(_ examples: [Example], set: String, translator tr: TokenTranslator,
                           tokenizer: any TextTokenizer) throws -> [CompiledInput?] {
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, examples.count / 1000))
    var results = [CompiledInput?](repeating: nil, count: examples.count)
    var errors = [(any Error)?](repeating: nil, count: parts)
    nonisolated(unsafe) let tokenizer = tokenizer   // BPETokenizer's cache is locked; chunks are disjoint
    results.withUnsafeMutableBufferPointer { results in
        errors.withUnsafeMutableBufferPointer { errors in
            nonisolated(unsafe) let out = results, err = errors
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                for i in (examples.count * k / parts)..<(examples.count * (k + 1) / parts) {
                    do { out[i] = try compiledInputThatFits(examples[i], set: set, translator: tr, tokenizer: tokenizer) } catch {
                        err[k] = error
                        return
                    }
                }
            }
        }
    }
    if let e = errors.compactMap({ $0 }).first { throw e }
    return results
}
