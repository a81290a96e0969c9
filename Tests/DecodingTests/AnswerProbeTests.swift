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
}
