// The decode stage (METHOD §6, DESIGN §5) in one function: load the LM, the compiled model and
// the adapter → decode the chosen inputs (table, truth, heat maps) → score every variable at
// every aligned layer on held-out examples → the same for the baseline with a least-squares
// adapter (the control) → decode.json and a tar of figures.
import CompiledModelFile
import Compiler
import Foundation
import Injection
import LM
import Support
import Tasks
import Tensor
import StageFiles

/// The paper's decoding inputs (METHOD §6; Appendix E).
public func paperDecodePrompt(_ task: TaskKind) -> String {
    switch task {
    case .dyck: "Are parenthesis here correctly matched? [(])\nAnswer:"
    case .count: "What is the number of 'x' in this text? x y x y x\nAnswer:"
    case .sum: "213 + 391 ="
    }
}

/// Held-out examples scored and training examples fitted for the control, per profile.
public func decodeSizes(_ profile: DataProfile) -> (examples: Int, fitExamples: Int) {
    switch profile {
    case .smoke: (8, 8)
    case .default: (200, 200)
    case .paper: (1000, 1000)
    }
}

public struct DecodeOptions: Sendable {
    public var task: TaskKind
    public var method: String
    public var profile: DataProfile
    public var model = "default"
    public var root = "."
    public var weights: String?
    /// The distill stage's adapter; nil = fit one by least squares on `train` from this model's residuals.
    public var adapter: String?
    public var compiled: String
    public var prompts: [String]
    /// How many more inputs to decode from the head of `test` (their prompts + labels as tokenised there).
    public var promptsFromTest = 0
    /// The LM residual the tables and heat maps decode (default: the last aligned one, k).
    public var layer: Int?
    public var test: String?
    public var examples: Int
    public var train: String?
    public var fitExamples: Int
    public var baselineWeights: String?
    public var ridge = 1e-3
    /// Where to write the answer probe (AnswerProbe.swift) of the model; nil = not run.
    public var answerProbe: String?
    public var out: String
    public var outFigures: String

    public init(task: TaskKind, method: String, profile: DataProfile, compiled: String, out: String, outFigures: String) {
        self.task = task; self.method = method; self.profile = profile; self.compiled = compiled
        self.out = out; self.outFigures = outFigures
        prompts = [paperDecodePrompt(task)]
        (examples, fitExamples) = decodeSizes(profile)
    }
}

/// Runs the stage and writes `out` and `outFigures`; returns what it wrote to `out`.
@discardableResult
public func runDecode(_ o: DecodeOptions, log: (String) -> Void = { _ in }) throws -> DecodeSummary {
    var wall: [String: Double] = [:]
    var clock = monotonicSeconds()
    func lap(_ name: String) { let now = monotonicSeconds(); wall[name] = now - clock; clock = now }

    let compiled = try readCompiledModel(o.compiled)
    let runner = ModelRunner(compiled)
    let decoder = try ResidualDecoder(labels: compiled.residualLabels)
    let k = compiled.layers.count
    let (full, bpe) = try loadRunnableModel(o.model, weights: o.weights, root: o.root)
    let tokenizer = try TaskTokenizer(bpe, task: o.task)
    let translator = try TokenTranslator(task: o.task, tokenizer: tokenizer)
    guard k <= full.config.nLayers else {
        throw DecodeError("\(o.compiled): the compiled model has \(k) layers; the LM has only \(full.config.nLayers) blocks to align with")
    }
    guard (0...full.config.nLayers).contains(o.layer ?? k) else {
        throw DecodeError("--layer \(o.layer ?? k): the LM has residuals 0...\(full.config.nLayers)")
    }
    // The LM residual of each compiled layer: the adapter's (distill --layer-stride spreads them), else i ↔ i.
    let adapterFile = try o.adapter.map { try AdapterFile.read($0) }
    // (An adapter for another number of layers is refused below, with both shapes.)
    let aligned = adapterFile.map { $0.info.layers == k ? $0.info.residuals : Array(0...k) } ?? Array(0...k)
    let top = aligned[k]
    guard top <= full.config.nLayers else {
        throw DecodeError("\(o.adapter ?? ""): the adapter aligns compiled residual \(k) with LM residual \(top); the LM has residuals 0...\(full.config.nLayers)")
    }
    let layer = o.layer ?? top
    if let path = o.answerProbe {
        guard let train = o.train, let test = o.test else { throw DecodeError("--answer-probe needs --train (fitting rows) and --test (held-out rows)") }
        // With distill's adapter: also split the hooked residual (after block `top`) into the kept
        // subspace of detach-and-roll (the span of the output rows) and its complement.
        let split = try adapterFile.flatMap { (adapter, info) -> (residual: Int, projector: [Float], dims: Int)? in
            guard info.layers == k, adapter.lmWidth == full.config.dModel, top + 1 <= full.config.nLayers else { return nil }
            let dims = compiled.output.dims
            let rows = Array(adapter.outputRows(dims)[..<(dims.count * adapter.lmWidth)])   // weights; the biases follow
            return (top + 1, try subspaceProjector(rows: rows, r: dims.count, d: adapter.lmWidth), dims.count)
        }
        let probe = try probeAnswer(lm: full, fit: try readTaskRows(train, limit: o.fitExamples),
                                    test: try readTaskRows(test, limit: o.examples), ridge: o.ridge, split: split,
                                    tokenText: { bpe.decode([$0]) }, progress: log)
        try writeFileAtomically(path, bytes: [UInt8](try probe.json()))
        log("answer probe (\(probe.fitExamples) fitting rows, \(probe.examples) held out), held-out accuracy per residual (%):\n" + probe.table)
        lap("answer_probe")
    }
    // Only residuals 0...max(top, layer) are read: the blocks above them are never run.
    let lm = try truncatedModel(full, blocks: max(top, layer))
    lap("load")

    // The adapter: the distill stage's, or a least-squares fit from this model's own residuals.
    let map: AffineMap
    var scored = DecodeSummary.Scored(examples: 0, positions: 0)
    if let path = o.adapter, let file = adapterFile {
        let (adapter, info) = file
        guard info.layers == k, adapter.compiledWidth == compiled.width, adapter.lmWidth == lm.config.dModel else {
            throw DecodeError("\(path): the adapter maps \(adapter.lmWidth) → \(adapter.compiledWidth) over layers 0...\(info.layers); this LM and \(o.compiled) need \(lm.config.dModel) → \(compiled.width) over 0...\(k)")
        }
        map = AffineMap(adapter)
    } else {
        guard let train = o.train else {
            throw DecodeError("decode: give --adapter (the distill stage's) or --train to fit one by least squares")
        }
        let (rows, tooLong) = try alignedExamples(train, limit: o.fitExamples, model: compiled)
        let fit = try fitControlAdapter(rows, lm: lm, runner: runner, layers: k, ridge: o.ridge)
        map = fit.map
        (scored.fit_examples, scored.fit_rows, scored.ridge, scored.fit_too_long) = (rows.count, fit.rows, o.ridge, tooLong)
        log("fitted a least-squares adapter on \(rows.count) training examples (\(fit.rows) rows; \(tooLong) rows longer than max_seq_len \(compiled.maxSeqLen) left out)")
        lap("fit_adapter")
    }
    if layer > top { log("note: residual \(layer) is beyond the aligned residuals \(aligned); the adapter was not trained there") }
    // The compiled layer whose values the example tables show: the last one aligned at or below `layer`.
    let truthLayer = aligned.lastIndex { $0 <= layer } ?? 0

    // The decoded inputs: given prompts, then rows from the test file.
    var inputs: [(prompt: String, example: AlignedExample)] = []
    for p in o.prompts {
        let c = try decodeInput(p, task: o.task, translator: translator, tokenizer: tokenizer)
        inputs.append((p, try AlignedExample(TaskRow(prompt: p, label: "", compiled: c), model: compiled, line: "prompt \(p.debugDescription): ")))
    }
    if o.promptsFromTest > 0 {
        guard let test = o.test else { throw DecodeError("--prompts-from-test needs --test") }
        for row in try readTaskRows(test, limit: o.promptsFromTest, accept: { ($0.compiled?.compiledTokens.count ?? 0) - 1 <= compiled.maxSeqLen }).rows {
            inputs.append((row.prompt + " " + row.label, try AlignedExample(row, model: compiled, line: "\(test): ")))
        }
    }
    var examples: [DecodedExample] = []
    var figures: [BundleFile] = []
    for (i, input) in inputs.enumerated() {
        let e = input.example, t = e.lmTokens.count
        let raw = try lmResiduals(lm, tokens: e.lmTokens, layers: layer...layer)[0]
        let adapted = try map.apply(raw, rows: t)
        let truth = try decoder.truth(try compiledResiduals(runner, input: e.compiledInput, layers: truthLayer)[truthLayer],
                                      positions: e.lmToCompiled).map { $0.map { $0 ?? "" } }
        let decoded = DecodedExample(prompt: input.prompt, tokens: e.lmTokens.map { tokenizer.decode($0) }, layer: layer,
                                     variables: decoder.names, table: try decoder.decode(adapted, positions: t), truth: truth)
        examples.append(decoded)
        figures += try decodeFigures(index: i, example: decoded, raw: raw, lmWidth: lm.config.dModel, adapted: adapted,
                                     compiledWidth: compiled.width, task: o.task.rawValue, method: o.method)
    }
    lap("examples")

    // Decoding accuracy on held-out examples, and the control.
    var accuracy: Part<LayerAccuracy> = .notRun("no --test file given")
    var control: Part<LayerAccuracy>?
    if let test = o.test {
        let (rows, tooLong) = try alignedExamples(test, limit: o.examples, model: compiled)
        scored.too_long = tooLong
        let tally = try scoreDecoding(rows, layers: k, decoder: decoder, runner: runner, map: map) {
            try lmResiduals(lm, tokens: $0.lmTokens, at: aligned)
        }
        accuracy = .value(tally.fractions)
        (scored.examples, scored.positions) = (rows.count, tally.positions)
        log("scored \(rows.count) held-out examples (\(tally.positions) positions) at layers 0...\(k) (LM residuals \(aligned == Array(0...k) ? "the same" : "\(aligned)")); \(tooLong) rows longer than max_seq_len \(compiled.maxSeqLen) left out")
        lap("accuracy")
        if let baseline = o.baselineWeights {
            guard let train = o.train else { throw DecodeError("--baseline-weights needs --train (the least-squares fit's examples)") }
            let base = try truncatedModel(try loadRunnableModel(o.model, weights: baseline, root: o.root).model, blocks: top)
            let (fitRows, fitTooLong) = try alignedExamples(train, limit: o.fitExamples, model: compiled)
            // The control reads the same LM residuals as the injected model's adapter.
            let fit = try fitControlAdapter(fitRows, lm: base, runner: runner, layers: k, ridge: o.ridge, lmResidualsOf: aligned)
            let controlTally = try scoreDecoding(rows, layers: k, decoder: decoder, runner: runner, map: fit.map) {
                try lmResiduals(base, tokens: $0.lmTokens, at: aligned)
            }
            control = .value(controlTally.fractions)
            (scored.fit_examples, scored.fit_rows, scored.ridge, scored.fit_too_long) = (fitRows.count, fit.rows, o.ridge, fitTooLong)
            log("control: baseline + least-squares adapter (\(fitRows.count) training examples, \(fit.rows) rows)")
            lap("control")
        }
    } else if o.baselineWeights != nil {
        control = .notRun("no --test file given")
    }

    let summary = DecodeSummary(task: o.task.rawValue, method: o.method, profile: o.profile.rawValue, examples: examples,
                                accuracy: accuracy, control: control, scored: o.test == nil && o.adapter != nil ? nil : scored,
                                wallSeconds: wall)
    try writeBundle(figures, to: o.outFigures)
    try writeFileAtomically(o.out, bytes: [UInt8](try summary.json()))
    return summary
}

/// The first `limit` rows of a task data file that fit the compiled model, as aligned examples,
/// and how many rows among those read were left out because their compiled input is longer
/// than its max_seq_len (the count is recorded in decode.json and logged, never hidden).
public func alignedExamples(_ path: String, limit: Int, model: CompiledModel) throws -> (examples: [AlignedExample], tooLong: Int) {
    let (rows, tooLong) = try readTaskRows(path, limit: limit) { ($0.compiled?.compiledTokens.count ?? 0) - 1 <= model.maxSeqLen }
    return (try rows.map { try AlignedExample($0, model: model, line: "\(path): ") }, tooLong)
}

/// The compiled input of a prompt to decode. A task prompt (it starts with the task's fixed
/// question) is aligned as generate-data aligns it: Dyck's prompt alone (its answer is one token,
/// predicted at `compute`); sum's and count's prompt plus the space that starts every answer,
/// because with SmolLM2 that lone space carries the answer anchor, so final_result is decoded
/// there. Any other text is mapped token by token through the translator's table.
func decodeInput(_ p: String, task: TaskKind, translator: TokenTranslator, tokenizer: some TextTokenizer) throws -> CompiledInput {
    if p.hasPrefix(fixedPromptPrefix(task)) {
        if TokenTranslator.answerAnchor(task) != nil {
            return try translator.compiledInput(for: Example(prompt: p, label: ""), tokenizer: tokenizer)
        }
        let full = try translator.compiledInput(for: Example(prompt: p, label: "yes"), tokenizer: tokenizer)
        let n = full.promptTokens
        return CompiledInput(lmTokens: Array(full.lmTokens[..<n]), compiledTokens: Array(full.compiledTokens[...n]),
                             lmToCompiled: Array(full.lmToCompiled[..<n]), promptTokens: n)
    }
    let ids = tokenizer.encode(p)
    return CompiledInput(lmTokens: ids, compiledTokens: ["bos"] + ids.map { translator.table[$0] ?? translator.filler },
                         lmToCompiled: ids.indices.map { $0 + 1 }, promptTokens: ids.count)
}
