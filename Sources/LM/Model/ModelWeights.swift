// The parameter table of both model families, in Hugging Face names and layouts (ModelConfig.swift
// `WeightNames`), and filling it: from loader weights (every problem reported at once, naming
// the tensor) or from a seeded random initialisation (for tests and timing only).
import Engine
import Support
import Tensor

public struct ModelWeightsError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        "model weights do not match the config (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n  "
            + problems.joined(separator: "\n  ")
    }
}

/// Every tensor a model of `config` has, in layout order, with its shape.
public func parameterTable(_ c: ModelConfig) -> [(name: String, shape: [Int])] {
    let d = c.dModel, f = c.dFF, he = c.nHeads * c.headDim, ke = c.nKVHeads * c.headDim
    var t: [(name: String, shape: [Int])] = []
    switch c.family {
    case .llama:
        typealias W = WeightNames.Llama
        t.append((W.embedding, [c.vocabSize, d]))
        for i in 0..<c.nLayers {
            t.append((W.layer(i, "input_layernorm.weight"), [d]))
            t.append((W.layer(i, "self_attn.q_proj.weight"), [he, d]))
            t.append((W.layer(i, "self_attn.k_proj.weight"), [ke, d]))
            t.append((W.layer(i, "self_attn.v_proj.weight"), [ke, d]))
            t.append((W.layer(i, "self_attn.o_proj.weight"), [d, he]))
            t.append((W.layer(i, "post_attention_layernorm.weight"), [d]))
            t.append((W.layer(i, "mlp.gate_proj.weight"), [f, d]))
            t.append((W.layer(i, "mlp.up_proj.weight"), [f, d]))
            t.append((W.layer(i, "mlp.down_proj.weight"), [d, f]))
        }
        t.append((W.finalNorm, [d]))
        if !c.tiedEmbeddings { t.append((W.lmHead, [c.vocabSize, d])) }
    case .gpt2:
        typealias W = WeightNames.GPT2
        t.append((W.tokenEmbedding, [c.vocabSize, d]))
        t.append((W.positionEmbedding, [c.contextLength, d]))
        for i in 0..<c.nLayers {
            t.append((W.layer(i, "ln_1.weight"), [d])); t.append((W.layer(i, "ln_1.bias"), [d]))
            t.append((W.layer(i, "attn.c_attn.weight"), [d, 3 * d])); t.append((W.layer(i, "attn.c_attn.bias"), [3 * d]))
            t.append((W.layer(i, "attn.c_proj.weight"), [d, d])); t.append((W.layer(i, "attn.c_proj.bias"), [d]))
            t.append((W.layer(i, "ln_2.weight"), [d])); t.append((W.layer(i, "ln_2.bias"), [d]))
            t.append((W.layer(i, "mlp.c_fc.weight"), [d, f])); t.append((W.layer(i, "mlp.c_fc.bias"), [f]))
            t.append((W.layer(i, "mlp.c_proj.weight"), [f, d])); t.append((W.layer(i, "mlp.c_proj.bias"), [d]))
        }
        t.append((W.finalNorm + ".weight", [d])); t.append((W.finalNorm + ".bias", [d]))
    }
    return t
}

/// Copies `weights` into a fresh store, after checking that names and shapes match the config
/// exactly; every missing, unexpected or mis-shaped tensor is reported, by name, in one error.
public func loadParameters(_ config: ModelConfig, _ weights: [String: HostTensor]) throws -> ParameterStore {
    try config.validate()
    let table = parameterTable(config)
    var problems: [String] = []
    let expected = Set(table.map(\.name))
    for (name, shape) in table {
        guard let w = weights[name] else { problems.append("tensor '\(name)' is missing (expected shape \(shape))"); continue }
        if w.shape != shape {
            problems.append("tensor '\(name)' has shape \(w.shape), the config needs \(shape) "
                + "(d_model \(config.dModel), d_ff \(config.dFF), vocab \(config.vocabSize), heads \(config.nHeads)/\(config.nKVHeads))")
        }
    }
    for name in weights.keys.sorted() where !expected.contains(name) {
        problems.append("tensor '\(name)' is not part of a \(config.family.rawValue) model of this config"
            + (name == WeightNames.Llama.lmHead ? " (config says tied_embeddings)" : ""))
    }
    if !problems.isEmpty { throw ModelWeightsError(problems: problems) }
    let store = ParameterStore(table)
    for e in store.entries {
        weights[e.name]!.data.withUnsafeBufferPointer { store.values.at(e.offset).update(from: $0.baseAddress!, count: e.count) }
    }
    return store
}

/// A seeded random initialisation (normal, std 0.02; norm weights 1, biases 0). For tests and
/// benchmarks only: such a model knows nothing.
public func randomParameters(_ config: ModelConfig, seed: UInt64) -> ParameterStore {
    let store = ParameterStore(parameterTable(config))
    var rng = SeededRNG(seed: seed)
    for e in store.entries {
        let p = store.values.at(e.offset)
        let isNorm = e.name.contains("norm") || e.name.contains("ln_")
        if e.name.hasSuffix(".bias") {
            for i in 0..<e.count { p[i] = 0 }
        } else if isNorm {
            for i in 0..<e.count { p[i] = 1 }
        } else {
            for i in 0..<e.count { p[i] = Float(rng.normal() * 0.02) }
        }
    }
    return store
}
