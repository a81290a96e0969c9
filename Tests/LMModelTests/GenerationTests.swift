// Greedy generation with the KV cache against recomputing the whole sequence every step.
import Testing
import Engine
import LM
import Tensor

@Suite struct GenerationTests {
    @Test(arguments: [Tiny.llama, Tiny.gpt2])
    func cachedGenerationMatchesFullRecompute(_ c: ModelConfig) throws {
        let m = try TransformerLM(randomlyInitialized: c, seed: 31)
        for i in 0..<m.params.totalCount { m.params.values[i] *= 20 }   // a peaked, varied argmax
        let prompt: [Int32] = [3, 17, 5]
        let cached = try m.generateGreedy(prompt: prompt, maxNewTokens: 5)
        var seq = prompt, reference: [Int32] = []
        for _ in 0..<5 {
            let out = try m.forward(seq, batch: 1, seq: seq.count)
            let last = out.logits + (seq.count - 1) * c.vocabSize
            var best = 0
            for j in 1..<c.vocabSize where last[j] > last[best] { best = j }
            reference.append(Int32(best)); seq.append(Int32(best))
        }
        #expect(cached == reference)
        #expect(Set(reference).count > 1, "degenerate test: one token repeated")
        let stopped = try m.generateGreedy(prompt: prompt, maxNewTokens: 5, stop: [reference[1]])
        #expect(stopped == Array(reference[0...1]))
        #expect(throws: ModelInputError.self) { try m.generateGreedy(prompt: prompt, maxNewTokens: c.contextLength) }
    }
}
