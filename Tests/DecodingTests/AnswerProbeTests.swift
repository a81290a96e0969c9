// The answer probe on a copy task whose answer is linearly in the embedding: the answer token is
// the prompt's last token, so residual 0 at the predicting position (that token's embedding plus a
// fixed position vector) decodes it exactly, while the prior scores the commonest token's share.
import Foundation
import LM
import Tasks
import Testing
@testable import Decoding

@Suite struct AnswerProbeTests {
    func rows(_ n: Int, seed: Int) -> [TaskRow] {
        (0..<n).map { i in
            let xs = (0..<4).map { (i * 7 + $0 * 5 + seed) % 3 }
            let tokens = xs + [xs[3]]
            return TaskRow(prompt: "", label: "", compiled: CompiledInput(lmTokens: tokens, compiledTokens: ["bos"] + tokens.map(String.init),
                                                                          lmToCompiled: tokens.indices.map { $0 + 1 }, promptTokens: 4))
        }
    }

    @Test func copiedTokenIsDecodedFromTheEmbedding() throws {
        let config = ModelConfig(family: .gpt2, vocabSize: 8, contextLength: 8, dModel: 16, nLayers: 2, nHeads: 2,
                                 nKVHeads: 2, dFF: 32, normEps: 1e-5, tiedEmbeddings: true)
        let lm = try TransformerLM(randomlyInitialized: config, seed: 3)
        let fit = rows(60, seed: 0), test = rows(30, seed: 1)
        let p = try probeAnswer(lm: lm, fit: fit, test: test, ridge: 1e-6, tokenText: { "t\($0)" })
        #expect(p.alphabet == ["t0", "t1", "t2"] && p.fitExamples == 60 && p.examples == 30)
        #expect(p.tokenAccuracy.count == 3 && p.tokenAccuracy.allSatisfy { $0.count == 1 })
        #expect(p.tokenAccuracy[0][0] == 1 && p.exactMatch[0] == 1)
        let answers = test.map { $0.compiled!.lmTokens[4] }
        let commonest = (0..<3).map { t in fit.filter { $0.compiled!.lmTokens[4] == t }.count }
        let prior = commonest.indices.max { commonest[$0] < commonest[$1] }!
        #expect(p.priorAccuracy[0] == Double(answers.filter { $0 == prior }.count) / 30)
        #expect(p.table.contains("| 0 | 100 | 100 |"))
        let back = try JSONDecoder().decode(AnswerProbe.self, from: try p.json())
        #expect(back == p)
        // A row without LM tokens is an error naming it.
        #expect { try probeAnswer(lm: lm, fit: [TaskRow(prompt: "a", label: "b")], test: test, ridge: 1e-3, tokenText: { "\($0)" }) }
            throws: { "\($0)".contains("fitting row 1") }
    }

    /// Split at residual 0: with P = I the kept part is the whole residual (decodes every answer) and the
    /// complement is zero (the probe can only answer its bias: one token for all, at most the prior's
    /// share); with P = 0 the two swap. A split outside the residuals is an error naming it.
    @Test func subspaceSplitKeepsWhatTheProjectorKeeps() throws {
        let config = ModelConfig(family: .gpt2, vocabSize: 8, contextLength: 8, dModel: 16, nLayers: 2, nHeads: 2,
                                 nKVHeads: 2, dFF: 32, normEps: 1e-5, tiedEmbeddings: true)
        let lm = try TransformerLM(randomlyInitialized: config, seed: 3)
        let fit = rows(60, seed: 0), test = rows(30, seed: 1)
        let d = 16
        let identity = (0..<(d * d)).map { $0 / d == $0 % d ? Float(1) : 0 }
        let all = try probeAnswer(lm: lm, fit: fit, test: test, ridge: 1e-6, split: (0, identity, d), tokenText: { "t\($0)" })
        let split = try #require(all.split)
        #expect(split.residual == 0 && split.dims == d)
        #expect(split.keptExactMatch == 1 && split.complementExactMatch <= all.priorAccuracy[0]!)
        #expect(abs(split.keptNormShare - 1) < 1e-5 && abs(split.keptVarianceShare - 1) < 1e-5)
        #expect(all.tokenAccuracy.count == 3, "the split adds no residual to the per-residual table")
        let none = try probeAnswer(lm: lm, fit: fit, test: test, ridge: 1e-6, split: (0, [Float](repeating: 0, count: d * d), 0),
                                   tokenText: { "t\($0)" })
        #expect(none.split!.complementExactMatch == 1 && none.split!.keptExactMatch <= none.priorAccuracy[0]!)
        #expect(none.split!.keptNormShare == 0 && none.split!.keptVarianceShare == 0)
        #expect(all.table.contains("| 0, kept subspace (16 dims) | 100 | 100 |"))
        #expect(try JSONDecoder().decode(AnswerProbe.self, from: try all.json()) == all)
        #expect { try probeAnswer(lm: lm, fit: fit, test: test, ridge: 1e-6, split: (3, identity, d), tokenText: { "\($0)" }) }
            throws: { "\($0)".contains("residual 3") }
    }
}
