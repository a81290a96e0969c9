// Perplexity: the two summaries on hand numbers, the line selection rules, and the batched
// computation against a hand computation (one line at a time, naive log-softmax in Double).
import Foundation
import Testing
import LM
@testable import Evaluation

@Suite struct PerplexityTests {
    @Test func meanPerLineAndTokenWeightedFromHandNumbers() {
        // line 1: 2 predictions with mean CE ln 2 → perplexity 2; line 2: 3 with mean CE ln 4 → 4
        let r = perplexity(perLine: [(ce: 2 * log(2.0), count: 2), (ce: 3 * log(4.0), count: 3)])
        #expect(r.lines == 2 && r.tokens == 5)
        #expect(abs(r.meanPerLine - 3) < 1e-12)
        #expect(abs(r.tokenWeighted - pow(2, 8.0 / 5)) < 1e-12)
    }

    @Test func linesAreSelectedTruncatedAndFiltered() {
        let lines = ["abc", "", "d", "efghij", "kl", "mn"]
        let seqs = perplexitySequences(lines, firstLines: 5, maxTokens: 4, tokenizer: CharTokenizer())
        let t = CharTokenizer()
        // "" is empty, "d" has one token, "mn" is beyond the first 5 lines; "efghij" is cut to 4 tokens
        #expect(seqs == [t.encode("abc"), t.encode("efgh"), t.encode("kl")].map { $0.map(Int32.init) })
    }

    func handPerplexity(_ m: TransformerLM, _ seqs: [[Int32]]) throws -> (mean: Double, weighted: Double) {
        let v = m.config.vocabSize
        var perLine: [Double] = [], ce = 0.0, n = 0
        for s in seqs {
            let out = try m.forward(s, batch: 1, seq: s.count)
            var lineCE = 0.0
            for t in 0..<(s.count - 1) {
                let row = (0..<v).map { Double(out.logits[t * v + $0]) }
                let logZ = log(row.map { exp($0) }.reduce(0, +))
                lineCE += logZ - row[Int(s[t + 1])]
            }
            perLine.append(exp(lineCE / Double(s.count - 1)))
            ce += lineCE; n += s.count - 1
        }
        return (perLine.reduce(0, +) / Double(perLine.count), exp(ce / Double(n)))
    }

    @Test(arguments: [Tiny.llama, Tiny.gpt2])
    func batchedPerplexityEqualsAHandComputation(_ c: ModelConfig) throws {
        let m = try Tiny.model(c, scale: 2)
        let seqs = (0..<7).map { Tiny.tokens(2 + ($0 * 5) % 11, seed: UInt64(10 + $0)) }
        let hand = try handPerplexity(m, seqs)
        let r = try perplexity(m, seqs, shape: BatchShape(rows: 3, tokens: 40), pad: 0)
        #expect(r.lines == 7 && r.tokens == seqs.reduce(0) { $0 + $1.count - 1 })
        #expect(abs(r.meanPerLine / hand.mean - 1) < 1e-5)
        #expect(abs(r.tokenWeighted / hand.weighted - 1) < 1e-5)
        #expect(r.tokenWeighted > 1 && r.meanPerLine > 1)
    }
}
