// The two residual streams decoding compares: the LM's residuals 0...k of one token sequence
// (residual i = input of block i = HF hidden_states[i]), mapped by an affine adapter to the
// compiled width, and the compiled model's own residuals for the aligned compiled input.
// Legend: T LM positions, D LM width, C compiled width, n compiled positions (incl. BOS).
import Compiler
import Engine
import Injection
import LM
import RASP
import Tensor

/// Copies of residuals `layers` ([T, D] each) of `model` on `tokens` (no LM head is computed).
public func lmResiduals(_ model: TransformerLM, tokens: [Int], layers: ClosedRange<Int>) throws -> [[Float]] {
    try lmResiduals(model, tokens: tokens, at: Array(layers))
}

/// The same for a list of residual indices (an adapter trained with distill's --layer-stride).
public func lmResiduals(_ model: TransformerLM, tokens: [Int], at layers: [Int]) throws -> [[Float]] {
    guard !tokens.isEmpty else { throw DecodeError("decode: an input has no LM tokens") }
    if let bad = layers.first(where: { !(0...model.config.nLayers).contains($0) }) {
        throw DecodeError("decode: residual \(bad) asked for, the LM has residuals 0...\(model.config.nLayers)")
    }
    let out = try model.forward(tokens.map(Int32.init), batch: 1, seq: tokens.count,
                                options: ForwardOptions(training: false, computeLogits: false))
    let count = tokens.count * model.config.dModel
    return layers.map { Array(UnsafeBufferPointer(start: out.residual($0), count: count)) }
}

/// The first `blocks` blocks of `model` as a model of their own (embeddings, those blocks, the
/// final norm and head copied by name): residuals 0...blocks are the same, and reading them
/// costs blocks/L of the full forward pass.
public func truncatedModel(_ model: TransformerLM, blocks: Int) throws -> TransformerLM {
    guard (0...model.config.nLayers).contains(blocks) else {
        throw DecodeError("decode: cannot keep \(blocks) blocks of a model with \(model.config.nLayers)")
    }
    if blocks == model.config.nLayers { return model }
    var config = model.config
    config.nLayers = blocks
    let store = ParameterStore(parameterTable(config))
    for e in store.entries {
        guard let from = model.params.entry(e.name), from.count == e.count else {
            throw DecodeError("decode: parameter \(e.name) of the truncated model is not in the full model")
        }
        store.value(e.name).update(from: model.params.value(e.name), count: e.count)
    }
    return TransformerLM(config: config, store: store)
}

extension AffineMap {
    /// The map held by an adapter file.
    public init(_ adapter: Adapter) {
        self.init(weight: Array(UnsafeBufferPointer(start: adapter.weight, count: adapter.compiledWidth * adapter.lmWidth)),
                  bias: Array(UnsafeBufferPointer(start: adapter.bias, count: adapter.compiledWidth)),
                  inputWidth: adapter.lmWidth, outputWidth: adapter.compiledWidth)
    }
}

/// A compiled-model input as the data files write it (`compiled_tokens`, starting with "bos"),
/// turned into the model's token values.
public func compiledValues(_ strings: [String], for model: CompiledModel, line: String = "") throws -> [Value] {
    guard strings.first == model.bos else {
        throw DecodeError("\(line)compiled_tokens must start with \"\(model.bos)\", got \(strings.first.map { "\"\($0)\"" } ?? "nothing")")
    }
    var byText: [String: Value] = [:]
    for v in model.vocab { byText[v.description] = v }
    return try strings.dropFirst().map { s in
        guard let v = byText[s] else {
            throw DecodeError("\(line)compiled token \"\(s)\" is not in the compiled model's vocabulary (\(model.vocab.count) tokens); was the data made for this task?")
        }
        return v
    }
}

/// The compiled model's residuals 0...layers ([n, C] each, position 0 = BOS) on `input`.
public func compiledResiduals(_ runner: ModelRunner, input: [Value], layers: Int) throws -> [[Float]] {
    let result: ForwardResult
    do { result = try runner.forward(input) } catch { throw DecodeError("compiled model: \(error)") }
    guard layers < result.residuals.count else {
        throw DecodeError("compiled model: residual \(layers) asked for, it has residuals 0...\(result.residuals.count - 1)")
    }
    return Array(result.residuals[0...layers])
}
