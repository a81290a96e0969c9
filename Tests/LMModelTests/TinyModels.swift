// Tiny configurations of both families and helpers shared by the model tests.
import Engine
import LM
import Tensor

enum Tiny {
    static let llama = ModelConfig(family: .llama, vocabSize: 32, contextLength: 16, dModel: 16, nLayers: 2, nHeads: 4,
                                   nKVHeads: 2, dFF: 32, normEps: 1e-5, ropeTheta: 10_000, tiedEmbeddings: true)
    static let llamaUntied: ModelConfig = { var c = llama; c.tiedEmbeddings = false; return c }()
    static let gpt2 = ModelConfig(family: .gpt2, vocabSize: 32, contextLength: 8, dModel: 16, nLayers: 2, nHeads: 4,
                                  nKVHeads: 4, dFF: 64, normEps: 1e-5, tiedEmbeddings: true)

    /// `c` with room for longer sequences (scoring tests run prompts plus answers).
    static func long(_ c: ModelConfig) -> ModelConfig { var c = c; c.contextLength = 64; return c }

    /// A random model whose weights are scaled up so that its argmax varies from position to position.
    static func peaked(_ c: ModelConfig = long(llama), seed: UInt64 = 31, scale: Float = 20) throws -> TransformerLM {
        let m = try TransformerLM(randomlyInitialized: c, seed: seed)
        for i in 0..<m.params.totalCount { m.params.values[i] *= scale }
        return m
    }

    static func tokens(_ n: Int, vocab: Int = 32, seed: UInt64 = 1) -> [Int32] {
        var x = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<n).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return Int32(x % UInt64(vocab)) }
    }

    static func randomArray(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var x = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<n).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return (Float(x >> 40) / Float(1 << 24) * 2 - 1) * scale }
    }

    /// Next-token targets for rows of `seq` tokens: position t predicts token t+1; the last is ignored.
    static func nextTokenTargets(_ ids: [Int32], batch: Int, seq: Int) -> [Int32] {
        var t = [Int32](repeating: -1, count: ids.count)
        for b in 0..<batch { for i in 0..<(seq - 1) { t[b * seq + i] = ids[b * seq + i + 1] } }
        return t
    }

    /// All of a store's values as bytes (for bit-exact comparisons).
    static func bytes(_ s: ParameterStore) -> [UInt32] { s.values.array.map(\.bitPattern) }
}
