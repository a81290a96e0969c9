// The one configuration type for both model families (DESIGN.md §4). Loaders (GGUF, Hugging
// Face folders) fill it; models are built from it. Weight names handed from loaders to models
// are Hugging Face names in Hugging Face layouts (see `WeightNames` below), whatever the file.

public enum ModelFamily: String, Codable, Sendable {
    case llama   // RMSNorm, RoPE, grouped K/V heads, SwiGLU, no biases (SmolLM2)
    case gpt2    // LayerNorm, learned positions, GELU MLP, biases everywhere
}

public struct ModelConfig: Codable, Equatable, Sendable {
    public var family: ModelFamily
    public var vocabSize: Int
    public var contextLength: Int        // maximum positions (GPT-2: size of the position table)
    public var dModel: Int               // residual width
    public var nLayers: Int
    public var nHeads: Int               // query heads
    public var nKVHeads: Int             // key/value heads (== nHeads for GPT-2)
    public var dFF: Int                  // MLP hidden width
    public var normEps: Float
    public var ropeTheta: Float          // Llama only
    public var tiedEmbeddings: Bool      // LM head = token embedding

    public var headDim: Int { dModel / nHeads }

    enum CodingKeys: String, CodingKey {
        case family, vocabSize = "vocab_size", contextLength = "context_length", dModel = "d_model"
        case nLayers = "n_layers", nHeads = "n_heads", nKVHeads = "n_kv_heads", dFF = "d_ff"
        case normEps = "norm_eps", ropeTheta = "rope_theta", tiedEmbeddings = "tied_embeddings"
    }

    public init(family: ModelFamily, vocabSize: Int, contextLength: Int, dModel: Int, nLayers: Int,
                nHeads: Int, nKVHeads: Int, dFF: Int, normEps: Float, ropeTheta: Float = 10_000,
                tiedEmbeddings: Bool) {
        self.family = family; self.vocabSize = vocabSize; self.contextLength = contextLength
        self.dModel = dModel; self.nLayers = nLayers; self.nHeads = nHeads; self.nKVHeads = nKVHeads
        self.dFF = dFF; self.normEps = normEps; self.ropeTheta = ropeTheta; self.tiedEmbeddings = tiedEmbeddings
    }

    /// SmolLM2-135M-Instruct (DESIGN.md §4).
    public static let smolLM2_135M = ModelConfig(
        family: .llama, vocabSize: 49152, contextLength: 8192, dModel: 576, nLayers: 30, nHeads: 9,
        nKVHeads: 3, dFF: 1536, normEps: 1e-5, ropeTheta: 100_000, tiedEmbeddings: true)

    /// Checks the shape facts every model relies on; the message names the offending field.
    public func validate() throws {
        func check(_ ok: Bool, _ what: String) throws {
            if !ok { throw ModelConfigError(description: "model config: \(what)") }
        }
        try check(vocabSize > 0 && dModel > 0 && nLayers > 0 && dFF > 0 && contextLength > 0,
                  "vocab_size, d_model, n_layers, d_ff and context_length must be positive")
        try check(nHeads > 0 && dModel % nHeads == 0, "d_model \(dModel) is not a multiple of n_heads \(nHeads)")
        try check(nKVHeads > 0 && nHeads % nKVHeads == 0, "n_heads \(nHeads) is not a multiple of n_kv_heads \(nKVHeads)")
        try check(family != .llama || headDim % 2 == 0, "RoPE needs an even head dimension, got \(headDim)")
    }
}

public struct ModelConfigError: Error, CustomStringConvertible {
    public let description: String
}

/// Hugging Face weight names, the contract between loaders and models. Linear weights are
/// stored as HF stores them: Llama `nn.Linear` is [out, in] row-major; GPT-2 `Conv1D` is
/// [in, out] row-major. Llama Q/K rows are in HF order (GGUF's rotate-pairs permutation undone).
public enum WeightNames {
    public enum Llama {
        public static let embedding = "model.embed_tokens.weight"          // [V, D]
        public static let finalNorm = "model.norm.weight"                  // [D]
        public static let lmHead = "lm_head.weight"                        // [V, D], absent when tied
        public static func layer(_ i: Int, _ leaf: String) -> String { "model.layers.\(i).\(leaf)" }
        // leaves: input_layernorm.weight [D], self_attn.{q,k,v,o}_proj.weight ([H·hd, D], [KV·hd, D],
        // [KV·hd, D], [D, H·hd]), post_attention_layernorm.weight [D], mlp.{gate,up}_proj.weight [F, D],
        // mlp.down_proj.weight [D, F]
    }
    public enum GPT2 {
        public static let tokenEmbedding = "wte.weight"                    // [V, D]
        public static let positionEmbedding = "wpe.weight"                 // [T, D]
        public static let finalNorm = "ln_f"                               // .weight, .bias [D]
        public static func layer(_ i: Int, _ leaf: String) -> String { "h.\(i).\(leaf)" }
        // leaves: ln_1.{weight,bias}, attn.c_attn.{weight [D, 3D], bias [3D]}, attn.c_proj.{weight [D, D], bias},
        // ln_2.{weight,bias}, mlp.c_fc.{weight [D, F], bias [F]}, mlp.c_proj.{weight [F, D], bias [D]}
    }
}
