// Exact-match scoring: right, wrong and partially right answers on a tiny model whose greedy
// answers we read off first; teacher-forced scoring against KV-cached greedy generation. (The real
// model's case, with the paper's tokenization, is in EvaluationTests/AnswerScoringTests.)
import Testing
@testable import LM

/// While the answer matches, teacher forcing sees what generation sees: the predictions agree up to
/// and including the first wrong token, so both give the same exact-match verdict.
func expectSameAsGreedy(_ m: TransformerLM, _ cases: [AnswerCase]) throws {
    let forced = try teacherForcedPredictions(m, cases, shape: BatchShape(rows: 4, tokens: 1024), pad: 0)
    let greedy = try greedyAnswers(m, cases)
    for (i, c) in cases.enumerated() {
        let firstWrong = c.answer.indices.first { forced[i][$0] != c.answer[$0] } ?? c.answer.count - 1
        #expect(forced[i][...firstWrong] == greedy[i][...firstWrong], "case \(i)")
        #expect(exactMatch(forced[i], c.answer) == exactMatch(greedy[i], c.answer), "case \(i)")
    }
}

@Suite struct AnswerScoringTests {
    @Test func exactMatchNeedsEveryToken() {
        #expect(exactMatch([4, 5], [4, 5]))
        #expect(!exactMatch([4, 6], [4, 5]))
        #expect(!exactMatch([3, 5], [4, 5]))
        #expect(!exactMatch([4], [4, 5]))
    }

    @Test func caseRowAndPredictingPositions() {
        let c = AnswerCase(prompt: [7, 8], answer: [3, 4, 5])
        #expect(c.row == [7, 8, 3, 4])
        #expect(c.predictingPositions == 1..<4)
    }

    @Test(arguments: [Tiny.long(Tiny.llama), Tiny.long(Tiny.gpt2)])
    func rightWrongAndPartiallyRightAnswers(_ c: ModelConfig) throws {
        let m = try Tiny.peaked(c)
        let prompts: [[Int32]] = [[3, 17, 5], [8, 1, 30, 2, 9, 11], [20]]
        var cases: [AnswerCase] = []
        var expected: [Bool] = []
        for p in prompts {
            let g = try m.generateGreedy(prompt: p, maxNewTokens: 3)
            func other(_ t: Int32) -> Int32 { (t + 1) % 32 }
            cases += [AnswerCase(prompt: p, answer: g),                                   // right
                      AnswerCase(prompt: p, answer: [other(g[0]), g[1], g[2]]),           // wrong first token
                      AnswerCase(prompt: p, answer: [g[0], other(g[1]), g[2]]),           // partially right
                      AnswerCase(prompt: p, answer: [g[0], g[1], other(g[2])]),           // all but the last
                      AnswerCase(prompt: p, answer: [g[0]])]                              // a one-token answer
            expected += [true, false, false, false, true]
        }
        for shape in [BatchShape(rows: 1, tokens: 64), BatchShape(rows: 4, tokens: 64), BatchShape(rows: 16, tokens: 2048)] {
            #expect(try scoreAnswers(m, cases, shape: shape, pad: 0) == expected)
        }
        #expect(try scoreAnswers(m, cases, pad: 0).filter { $0 }.count == 6)
    }

    @Test func teacherForcedEqualsGreedyOnATinyModel() throws {
        let m = try Tiny.peaked()
        let cases = (0..<6).map { AnswerCase(prompt: Tiny.tokens(3 + $0, seed: UInt64($0 + 1)), answer: Tiny.tokens(4, seed: UInt64($0 + 40))) }
        try expectSameAsGreedy(m, cases)
    }
}
