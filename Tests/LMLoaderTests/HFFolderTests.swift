// Hugging Face folders: tiny GPT-2 and Llama checkpoints written here (config.json +
// model.safetensors + vocab/merges), loaded under the WeightNames contract; errors for missing
// or mis-shaped tensors, unknown model types and missing files.
import Foundation
import SafeTensors
import Testing
@testable import LM

@Suite struct HFFolderTests {
    func folder(config: [String: Any], tensors: [(String, [Int])], tokenizer: Bool = false) throws -> String {
        let d = FileManager.default.temporaryDirectory.path + "/graft-lm-hf-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: d + "/config.json"))
        var w = SafeTensorsWriter()
        for (k, (name, shape)) in tensors.enumerated() {
            try w.add(name, shape: shape, floats: (0..<shape.reduce(1, *)).map { Float(k) + Float($0) / 1000 })
        }
        try Data(w.encode()).write(to: URL(fileURLWithPath: d + "/model.safetensors"))
        if tokenizer {
            var v: [String: Int] = [:]
            for b in 0..<256 { v[String(ByteLevel.byteToScalar[b])] = b }
            v["Ġh"] = 256; v["<|endoftext|>"] = 257
            try JSONSerialization.data(withJSONObject: v).write(to: URL(fileURLWithPath: d + "/vocab.json"))
            try Data("#version: 0.2\nĠ h\n".utf8).write(to: URL(fileURLWithPath: d + "/merges.txt"))
        }
        return d
    }

    let gpt2Config: [String: Any] = ["model_type": "gpt2", "n_embd": 8, "n_layer": 2, "n_head": 2, "n_positions": 16,
                                     "vocab_size": 258, "layer_norm_epsilon": 1e-5, "n_inner": NSNull()]

    func gpt2Tensors(prefix: String = "transformer.") -> [(String, [Int])] {
        let c = try! hfConfig(gpt2Config, source: "test")
        return hfTensorTable(c).map { (prefix + $0.name, $0.shape) } + [(prefix + "h.0.attn.bias", [1, 1, 16, 16])]
    }

    @Test func gpt2FolderLoads() throws {
        let d = try folder(config: gpt2Config, tensors: gpt2Tensors(), tokenizer: true)
        #expect(try resolveModel(d) == .hfFolder(d))
        let ck = try loadHFFolder(d)
        #expect(ck.config == ModelConfig(family: .gpt2, vocabSize: 258, contextLength: 16, dModel: 8, nLayers: 2, nHeads: 2,
                                         nKVHeads: 2, dFF: 32, normEps: 1e-5, tiedEmbeddings: true))
        #expect(ck.weights.count == 4 + 2 * 12)
        let cAttn = try #require(ck.weights[WeightNames.GPT2.layer(0, "attn.c_attn.weight")])
        #expect(cAttn.shape == [8, 24])                    // Conv1D layout [in, out] kept
        #expect(cAttn.data[1] == Float(6) + 0.001)          // tensor #6 in table order, element 1
        #expect(ck.tokenizer?.encode(" hi") == [256, Int(UInt8(ascii: "i"))])
    }

    @Test func llamaFolderLoads() throws {
        let cfg: [String: Any] = ["model_type": "llama", "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                                  "num_key_value_heads": 1, "intermediate_size": 12, "rms_norm_eps": 1e-5, "rope_theta": 100000.0,
                                  "max_position_embeddings": 32, "vocab_size": 7, "tie_word_embeddings": true]
        let c = try hfConfig(cfg, source: "t")
        let d = try folder(config: cfg, tensors: hfTensorTable(c).map { ($0.name, $0.shape) })
        let ck = try loadHFFolder(d)
        #expect(ck.config.family == .llama && ck.config.nKVHeads == 1 && ck.config.ropeTheta == 100_000 && ck.config.tiedEmbeddings)
        #expect(ck.weights[WeightNames.Llama.layer(0, "self_attn.k_proj.weight")]?.shape == [4, 8])
        #expect(ck.tokenizer == nil)
    }

    @Test func mismatchesAreListed() throws {
        var t = gpt2Tensors(prefix: "")
        t.removeAll { $0.0 == "h.1.ln_2.bias" }
        t[t.firstIndex { $0.0 == "wpe.weight" }!].1 = [15, 8]
        t.append(("h.0.extra", [2]))
        let d = try folder(config: gpt2Config, tensors: t)
        do { _ = try loadHFFolder(d); Issue.record("expected an error") } catch {
            let s = "\(error)"
            #expect(s.contains("tensor 'h.1.ln_2.bias' is missing"))
            #expect(s.contains("tensor 'wpe.weight' has shape [15, 8], the config needs [16, 8]"))
            #expect(s.contains("tensor 'h.0.extra' is not part of a gpt2 model"))
        }
    }

    @Test func badConfigAndMissingFiles() throws {
        let d = try folder(config: ["model_type": "bert"], tensors: [])
        do { _ = try loadHFFolder(d) } catch { #expect("\(error)".contains("model_type 'bert'")) }
        var cfg = gpt2Config
        cfg.removeValue(forKey: "n_layer")
        let d2 = try folder(config: cfg, tensors: [])
        do { _ = try loadHFFolder(d2) } catch { #expect("\(error)".contains("key 'n_layer'")) }
        try FileManager.default.removeItem(atPath: d2 + "/model.safetensors")
        try JSONSerialization.data(withJSONObject: gpt2Config).write(to: URL(fileURLWithPath: d2 + "/config.json"))
        do { _ = try loadHFFolder(d2); Issue.record("expected an error") } catch { #expect("\(error)".contains("model.safetensors: missing")) }
    }
}
