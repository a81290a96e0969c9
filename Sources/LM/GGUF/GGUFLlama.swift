// A Llama-family GGUF file as graft's models want it: a ModelConfig from the `llama.*` metadata
// and Float32 weights under Hugging Face names in Hugging Face layouts. GGUF stores the Q and K
// rows of each head interleaved for llama.cpp's rotate-adjacent-pairs RoPE; they are put back in
// HF's rotate-half order here, so models implement one RoPE only.
import Foundation
import Tensor

/// Weights keyed by Hugging Face names (see `WeightNames`), as the engine's models take them.
public typealias ModelWeights = [String: HostTensor]

/// ModelConfig from `llama.*` metadata; vocabulary size from `llama.vocab_size`, else the token
/// list, else the embedding's rows.
public func llamaConfig(_ gguf: GGUFFile) throws -> ModelConfig {
    let m = gguf.metadata
    let arch = try m.string("general.architecture")
    guard arch == "llama" else {
        throw GGUFError("\(gguf.path): general.architecture is '\(arch)'; graft reads Llama-family GGUF files ('llama') only")
    }
    var vocab: Int
    if m["llama.vocab_size"] != nil {
        vocab = try m.int("llama.vocab_size")
    } else if m["tokenizer.ggml.tokens"] != nil {
        vocab = try m.strings("tokenizer.ggml.tokens").count
    } else {
        guard let emb = gguf["token_embd.weight"] else { throw GGUFError("\(gguf.path): no tensor 'token_embd.weight'") }
        vocab = emb.shape[0]
    }
    let heads = try m.int("llama.attention.head_count")
    let config = ModelConfig(
        family: .llama, vocabSize: vocab,
        contextLength: try m.int("llama.context_length"),
        dModel: try m.int("llama.embedding_length"),
        nLayers: try m.int("llama.block_count"),
        nHeads: heads,
        nKVHeads: m["llama.attention.head_count_kv"] == nil ? heads : try m.int("llama.attention.head_count_kv"),
        dFF: try m.int("llama.feed_forward_length"),
        normEps: Float(try m.float("llama.attention.layer_norm_rms_epsilon")),
        ropeTheta: m["llama.rope.freq_base"] == nil ? 10_000 : Float(try m.float("llama.rope.freq_base")),
        tiedEmbeddings: gguf["output.weight"] == nil)
    do { try config.validate() } catch {
        throw GGUFError("\(gguf.path): \(error)")
    }
    if m["llama.rope.dimension_count"] != nil {
        let ropeDims = try m.int("llama.rope.dimension_count")
        guard ropeDims == config.headDim else {
            throw GGUFError("\(gguf.path): llama.rope.dimension_count \(ropeDims) differs from the head dimension \(config.headDim); partial RoPE is not supported")
        }
    }
    return config
}

/// GGUF tensor name → (HF name, HF shape) for a config. The table every Llama GGUF must match.
public func llamaTensorTable(_ c: ModelConfig) -> [(gguf: String, hf: String, shape: [Int])] {
    typealias L = WeightNames.Llama
    let d = c.dModel, kv = c.nKVHeads * c.headDim, q = c.nHeads * c.headDim
    var table: [(String, String, [Int])] = [
        ("token_embd.weight", L.embedding, [c.vocabSize, d]),
        ("output_norm.weight", L.finalNorm, [d]),
    ]
    if !c.tiedEmbeddings { table.append(("output.weight", L.lmHead, [c.vocabSize, d])) }
    for i in 0..<c.nLayers {
        let leaves: [(String, String, [Int])] = [
            ("attn_norm.weight", "input_layernorm.weight", [d]),
            ("attn_q.weight", "self_attn.q_proj.weight", [q, d]),
            ("attn_k.weight", "self_attn.k_proj.weight", [kv, d]),
            ("attn_v.weight", "self_attn.v_proj.weight", [kv, d]),
            ("attn_output.weight", "self_attn.o_proj.weight", [d, q]),
            ("ffn_norm.weight", "post_attention_layernorm.weight", [d]),
            ("ffn_gate.weight", "mlp.gate_proj.weight", [c.dFF, d]),
            ("ffn_up.weight", "mlp.up_proj.weight", [c.dFF, d]),
            ("ffn_down.weight", "mlp.down_proj.weight", [d, c.dFF]),
        ]
        for (g, h, s) in leaves { table.append(("blk.\(i).\(g)", L.layer(i, h), s)) }
    }
    return table
}

/// Undoes llama.cpp's Q/K row permutation. Within each head of `headDim` rows, GGUF row 2i + j
/// holds HF row j·headDim/2 + i (j ∈ {0, 1}). `data` is [heads·headDim, cols] row-major.
public func unpermuteRoPERows(_ data: [Float], heads: Int, headDim: Int, cols: Int) -> [Float] {
    var out = [Float](repeating: 0, count: data.count)
    let half = headDim / 2
    data.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for h in 0..<heads {
                for i in 0..<half {
                    for j in 0..<2 {
                        let from = (h * headDim + 2 * i + j) * cols
                        let to = (h * headDim + j * half + i) * cols
                        for c in 0..<cols { dst[to + c] = src[from + c] }
                    }
                }
            }
        }
    }
    return out
}

/// Loads config and all weights (dequantised to Float32, HF names and layouts). Every expected
/// tensor must be present with its expected shape, and no unknown tensor may be present.
public func loadLlamaGGUF(_ gguf: GGUFFile) throws -> (config: ModelConfig, weights: ModelWeights) {
    let config = try llamaConfig(gguf)
    let table = llamaTensorTable(config)
    var problems: [String] = []
    for (g, _, shape) in table {
        guard let t = gguf[g] else { problems.append("tensor '\(g)' is missing"); continue }
        if t.shape != shape {
            problems.append("tensor '\(g)' has shape \(t.shape), the config (\(config.nLayers) layers, width \(config.dModel), \(config.nHeads)/\(config.nKVHeads) heads, FF \(config.dFF), vocab \(config.vocabSize)) needs \(shape)")
        }
    }
    let known = Set(table.map(\.gguf))
    for t in gguf.tensors where !known.contains(t.name) {
        problems.append("tensor '\(t.name)' is not part of a Llama model graft knows")
    }
    guard problems.isEmpty else {
        throw GGUFError("\(gguf.path): weights do not match the model config:\n  " + problems.joined(separator: "\n  "))
    }
    // Dequantise in parallel, one tensor per task.
    let results = ParallelSlots<Result<HostTensor, Error>>(count: table.count)
    DispatchQueue.concurrentPerform(iterations: table.count) { k in
        let (g, _, shape) = table[k]
        results.slots[k] = Result {
            var data = try gguf.floats(g)
            if g.hasSuffix("attn_q.weight") {
                data = unpermuteRoPERows(data, heads: config.nHeads, headDim: config.headDim, cols: config.dModel)
            } else if g.hasSuffix("attn_k.weight") {
                data = unpermuteRoPERows(data, heads: config.nKVHeads, headDim: config.headDim, cols: config.dModel)
            }
            return HostTensor(shape: shape, data: data)
        }
    }
    var weights: ModelWeights = [:]
    for (k, entry) in table.enumerated() { weights[entry.hf] = try results.slots[k]!.get() }
    return (config, weights)
}

/// One result slot per parallel task; each task writes only its own slot.
final class ParallelSlots<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
