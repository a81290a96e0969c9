// Llama GGUF → ModelConfig + HF-named Float32 weights: the name/shape table, the undoing of the
// Q/K RoPE row permutation, errors for mismatched or unknown tensors, and the facts of the real
// default file (DESIGN.md §4).
import Foundation
import Testing
@testable import LM

@Suite struct GGUFLlamaTests {
    /// llama.cpp's conversion permutation (HF → GGUF), written from its definition: view the rows
    /// as [heads, 2, headDim/2] and swap the last two axes.
    func convertPermute(_ hf: [Float], heads: Int, headDim: Int, cols: Int) -> [Float] {
        var out = hf
        let half = headDim / 2
        for h in 0..<heads { for j in 0..<2 { for i in 0..<half {
            let src = h * headDim + j * half + i, dst = h * headDim + i * 2 + j
            for c in 0..<cols { out[dst * cols + c] = hf[src * cols + c] }
        } } }
        return out
    }

    @Test func unpermuteInvertsConversion() {
        let rows = 3 * 6, cols = 5
        let hf = (0..<(rows * cols)).map { Float($0) }
        let gguf = convertPermute(hf, heads: 3, headDim: 6, cols: cols)
        #expect(gguf != hf)
        #expect(unpermuteRoPERows(gguf, heads: 3, headDim: 6, cols: cols) == hf)
    }

    @Test func tinyModelConfigAndWeights() throws {
        let f = try GGUFFile(path: try tinyLlamaGGUF().write())
        let (c, w) = try loadLlamaGGUF(f)
        #expect(c == ModelConfig(family: .llama, vocabSize: 5, contextLength: 64, dModel: 8, nLayers: 2, nHeads: 2,
                                 nKVHeads: 1, dFF: 12, normEps: 1e-6, ropeTheta: 500, tiedEmbeddings: true))
        #expect(w.count == 2 + 2 * 9)
        let emb = try #require(w[WeightNames.Llama.embedding])
        #expect(emb.shape == [5, 8])
        #expect(emb.data[0] == 0 && emb.data[39] == 39)
        // tensor #3 is blk.0.attn_q (after token_embd, output_norm, blk.0.attn_norm); head dim 4:
        // HF rows (per head) 0, 1, 2, 3 come from GGUF rows 0, 2, 1, 3.
        let q = try #require(w[WeightNames.Llama.layer(0, "self_attn.q_proj.weight")])
        #expect(q.shape == [8, 8])
        for (hfRow, ggufRow) in [(0, 0), (1, 2), (2, 1), (3, 3), (4, 4), (5, 6), (6, 5), (7, 7)] {
            let expected: [Float] = (0..<8).map { Float(3000 + ggufRow * 8 + $0) }
            #expect(Array(q.data[(hfRow * 8)..<(hfRow * 8 + 8)]) == expected)
        }
        let k = try #require(w[WeightNames.Llama.layer(0, "self_attn.k_proj.weight")])
        #expect(k.shape == [4, 8])
        let kRow1: [Float] = (0..<8).map { Float(4000 + 16 + $0) }
        #expect(Array(k.data[8..<16]) == kRow1)
        let v = try #require(w[WeightNames.Llama.layer(0, "self_attn.v_proj.weight")])
        let vRow1: [Float] = (0..<8).map { Float(5000 + 8 + $0) }
        #expect(Array(v.data[8..<16]) == vRow1)   // V is not permuted
        #expect(w[WeightNames.Llama.layer(1, "mlp.down_proj.weight")]?.shape == [8, 12])
        #expect(w[WeightNames.Llama.lmHead] == nil)
    }

    @Test func untiedHeadAndDefaults() throws {
        let g = tinyLlamaGGUF { g in
            g.kvs.removeAll { ["llama.attention.head_count_kv", "llama.rope.freq_base", "llama.vocab_size"].contains($0.0) }
            g.tensors.append(TestTensor(name: "output.weight", ggmlDims: [8, 5], type: 0, data: f32Bytes([Float](repeating: 2, count: 40))))
            // with head_count_kv absent K/V have all 2 heads
            for i in g.tensors.indices where g.tensors[i].name.contains("attn_k") || g.tensors[i].name.contains("attn_v") {
                g.tensors[i].ggmlDims = [8, 8]
                g.tensors[i].data = f32Bytes([Float](repeating: 1, count: 64))
            }
        }
        let (c, w) = try loadLlamaGGUF(try GGUFFile(path: try g.write()))
        #expect(c.nKVHeads == 2 && c.ropeTheta == 10_000 && c.vocabSize == 5 && !c.tiedEmbeddings)
        #expect(w[WeightNames.Llama.lmHead]?.data == [Float](repeating: 2, count: 40))
    }

    @Test func shapeMismatchNamesTensorAndConfig() throws {
        let g = tinyLlamaGGUF { g in
            let i = g.tensors.firstIndex { $0.name == "blk.1.ffn_up.weight" }!
            g.tensors[i].ggmlDims = [8, 11]
            g.tensors[i].data = f32Bytes([Float](repeating: 0, count: 88))
            g.tensors.removeAll { $0.name == "blk.0.ffn_norm.weight" }
            g.tensors.append(TestTensor(name: "rope_freqs.weight", ggmlDims: [2], type: 0, data: f32Bytes([1, 1])))
        }
        do { _ = try loadLlamaGGUF(try GGUFFile(path: try g.write())); Issue.record("expected an error") } catch {
            let s = "\(error)"
            #expect(s.contains("tensor 'blk.1.ffn_up.weight' has shape [11, 8]"))
            #expect(s.contains("needs [12, 8]"))
            #expect(s.contains("tensor 'blk.0.ffn_norm.weight' is missing"))
            #expect(s.contains("'rope_freqs.weight' is not part of a Llama model"))
        }
    }

    @Test func badConfigErrors() throws {
        let wrongArch = tinyLlamaGGUF { g in g.kvs[0] = ("general.architecture", .string("gpt2")) }
        do { _ = try llamaConfig(try GGUFFile(path: try wrongArch.write())) } catch { #expect("\(error)".contains("'gpt2'")) }
        let noWidth = tinyLlamaGGUF { g in g.kvs.removeAll { $0.0 == "llama.embedding_length" } }
        do { _ = try llamaConfig(try GGUFFile(path: try noWidth.write())); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("'llama.embedding_length' is missing"))
        }
        let badHeads = tinyLlamaGGUF { g in g.kvs.append(("llama.rope.dimension_count", .u32(2))) }
        #expect(throws: GGUFError.self) { try llamaConfig(try GGUFFile(path: try badHeads.write())) }
    }

    @Test func realDefaultFileFacts() throws {
        let f = try realGGUF.get()
        #expect(f.version == 3)
        #expect(try f.metadata.string("tokenizer.ggml.pre") == "smollm")
        var byType: [GGMLType: Int] = [:]
        for t in f.tensors { byType[t.type, default: 0] += 1 }
        #expect(byType == [.q4_1: 210, .q8_0: 1, .f32: 61])
        #expect(f["token_embd.weight"]?.type == .q8_0)
        #expect(f["output.weight"] == nil)
        let params = f.tensors.reduce(0) { $0 + $1.count }
        #expect(params == 134_515_008)
        #expect(f["token_embd.weight"]!.count == 28_311_552)
        let c = try llamaConfig(f)
        #expect(c == ModelConfig.smolLM2_135M)
        #expect(c.nLayers == 30 && c.dModel == 576 && c.nHeads == 9 && c.nKVHeads == 3 && c.dFF == 1536)
        #expect(c.vocabSize == 49152 && c.ropeTheta == 100_000 && c.tiedEmbeddings)
    }

    @Test func realDefaultModelLoads() throws {
        let (c, w) = try realModel.get()
        #expect(w.count == llamaTensorTable(c).count)
        #expect(w.values.reduce(0) { $0 + $1.data.count } == 134_515_008)
        // HF q_proj row 1 is GGUF attn_q row 2 (head dim 64: HF row j·32 + i ← GGUF row 2i + j).
        let f = try realGGUF.get()
        let raw = try f.floats("blk.0.attn_q.weight")
        let q = try #require(w[WeightNames.Llama.layer(0, "self_attn.q_proj.weight")])
        #expect(Array(q.data[576..<1152]) == Array(raw[(2 * 576)..<(3 * 576)]))
        #expect(Array(q.data[(32 * 576)..<(33 * 576)]) == Array(raw[576..<1152]))
        #expect(w[WeightNames.Llama.finalNorm]?.data.first == 1.7578125)
    }
}
