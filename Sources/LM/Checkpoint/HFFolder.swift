// A Hugging Face model folder: config.json + model.safetensors (+ vocab.json and merges.txt for
// GPT-2-family tokenizers). GPT-2 (`model_type` "gpt2") and Llama-family configs map to
// ModelConfig; weights come out under the HF names of `WeightNames` (a "transformer." prefix
// is dropped, attention-mask buffers are skipped) and are checked against the config.
import Foundation
import SafeTensors
import Tensor

/// ModelConfig from a parsed config.json.
public func hfConfig(_ json: [String: Any], source: String) throws -> ModelConfig {
    func int(_ k: String) throws -> Int {
        guard let v = json[k] as? Int else { throw LMFileError("\(source): key '\(k)' is missing or not an integer") }
        return v
    }
    func optInt(_ k: String) -> Int? { json[k] as? Int }
    func float(_ k: String, _ dflt: Double) throws -> Float {
        guard let v = json[k] else { return Float(dflt) }
        guard let d = (v as? NSNumber)?.doubleValue else { throw LMFileError("\(source): key '\(k)' is not a number") }
        return Float(d)
    }
    let type = json["model_type"] as? String ?? ""
    let config: ModelConfig
    switch type {
    case "gpt2":
        let d = try int("n_embd")
        let context = try optInt("n_positions") ?? int("n_ctx")
        config = ModelConfig(family: .gpt2, vocabSize: try int("vocab_size"),
                             contextLength: context, dModel: d,
                             nLayers: try int("n_layer"), nHeads: try int("n_head"), nKVHeads: try int("n_head"),
                             dFF: optInt("n_inner") ?? 4 * d, normEps: try float("layer_norm_epsilon", 1e-5),
                             tiedEmbeddings: true)
    case "llama", "mistral", "qwen2":
        let heads = try int("num_attention_heads")
        config = ModelConfig(family: .llama, vocabSize: try int("vocab_size"),
                             contextLength: try int("max_position_embeddings"), dModel: try int("hidden_size"),
                             nLayers: try int("num_hidden_layers"), nHeads: heads,
                             nKVHeads: optInt("num_key_value_heads") ?? heads, dFF: try int("intermediate_size"),
                             normEps: try float("rms_norm_eps", 1e-6), ropeTheta: try float("rope_theta", 10_000),
                             tiedEmbeddings: json["tie_word_embeddings"] as? Bool ?? false)
    default:
        throw LMFileError("\(source): model_type '\(type)' is not supported (graft loads 'gpt2' and 'llama' folders)")
    }
    do { try config.validate() } catch { throw LMFileError("\(source): \(error)") }
    return config
}

/// The HF names and shapes a config's weights must have.
public func hfTensorTable(_ c: ModelConfig) -> [(name: String, shape: [Int])] {
    switch c.family {
    case .llama:
        return llamaTensorTable(c).map { ($0.hf, $0.shape) }
    case .gpt2:
        typealias G = WeightNames.GPT2
        let d = c.dModel, f = c.dFF
        var t: [(String, [Int])] = [(G.tokenEmbedding, [c.vocabSize, d]), (G.positionEmbedding, [c.contextLength, d]),
                                    (G.finalNorm + ".weight", [d]), (G.finalNorm + ".bias", [d])]
        for i in 0..<c.nLayers {
            let leaves: [(String, [Int])] = [
                ("ln_1.weight", [d]), ("ln_1.bias", [d]), ("attn.c_attn.weight", [d, 3 * d]), ("attn.c_attn.bias", [3 * d]),
                ("attn.c_proj.weight", [d, d]), ("attn.c_proj.bias", [d]), ("ln_2.weight", [d]), ("ln_2.bias", [d]),
                ("mlp.c_fc.weight", [d, f]), ("mlp.c_fc.bias", [f]), ("mlp.c_proj.weight", [f, d]), ("mlp.c_proj.bias", [d]),
            ]
            for (leaf, s) in leaves { t.append((G.layer(i, leaf), s)) }
        }
        return t
    }
}

/// A loaded folder: config, Float32 weights, and the tokenizer when vocab.json + merges.txt exist.
public struct HFCheckpoint: Sendable {
    public let config: ModelConfig
    public let weights: ModelWeights
    public let tokenizer: BPETokenizer?
}

public func loadHFFolder(_ dir: String) throws -> HFCheckpoint {
    let configPath = dir + "/config.json"
    guard let data = FileManager.default.contents(atPath: configPath) else {
        throw LMFileError("\(configPath): missing (a Hugging Face model folder needs config.json and model.safetensors)")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw LMFileError("\(configPath): not a JSON object")
    }
    let config = try hfConfig(json, source: configPath)
    let stPath = dir + "/model.safetensors"
    guard let stData = FileManager.default.contents(atPath: stPath) else {
        throw LMFileError("\(stPath): missing (sharded or PyTorch .bin checkpoints are not supported; save with safetensors in one file)")
    }
    let bundle: SafeTensorsBundle
    do { bundle = try SafeTensorsBundle(bytes: [UInt8](stData)) } catch { throw LMFileError("\(stPath): \(error)") }
    var byName: [String: TensorInfo] = [:]
    for t in bundle.tensors {
        var name = t.name
        if name.hasPrefix("transformer.") { name.removeFirst("transformer.".count) }
        if name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias") || name.hasSuffix("rotary_emb.inv_freq") { continue }
        if name == WeightNames.Llama.lmHead && config.family == .gpt2 { continue }   // GPT-2's head is tied
        byName[name] = t
    }
    let table = hfTensorTable(config)
    var problems: [String] = []
    for (name, shape) in table {
        guard let t = byName[name] else { problems.append("tensor '\(name)' is missing"); continue }
        if t.shape != shape { problems.append("tensor '\(name)' has shape \(t.shape), the config needs \(shape)") }
    }
    let known = Set(table.map(\.name))
    for name in byName.keys.sorted() where !known.contains(name) {
        if name == WeightNames.Llama.lmHead && config.tiedEmbeddings { continue }
        problems.append("tensor '\(name)' is not part of a \(config.family.rawValue) model graft knows")
    }
    guard problems.isEmpty else {
        throw LMFileError("\(stPath): weights do not match \(configPath):\n  " + problems.joined(separator: "\n  "))
    }
    var weights: ModelWeights = [:]
    for (name, shape) in table {
        do { weights[name] = HostTensor(shape: shape, data: try bundle.floats(byName[name]!.name)) } catch {
            throw LMFileError("\(stPath): \(error)")
        }
    }
    var tokenizer: BPETokenizer? = nil
    let vocab = dir + "/vocab.json", merges = dir + "/merges.txt"
    if FileManager.default.fileExists(atPath: vocab) && FileManager.default.fileExists(atPath: merges) {
        tokenizer = try loadGPT2Tokenizer(vocabJSON: vocab, mergesTXT: merges)
    }
    return HFCheckpoint(config: config, weights: weights, tokenizer: tokenizer)
}
