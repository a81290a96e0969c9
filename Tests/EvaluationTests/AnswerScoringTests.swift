// Task scoring: right, wrong and partially right answers on a tiny model whose greedy answers we
// read off first; teacher-forced scoring against KV-cached greedy generation (tiny and real model).
import Testing
import LM
import Tasks
@testable import Evaluation

@Suite struct AnswerScoringTests {
    @Test func exactMatchNeedsEveryToken() {
        #expect(exactMatch([4, 5], [4, 5]))
        #expect(!exactMatch([4, 6], [4, 5]))
        #expect(!exactMatch([3, 5], [4, 5]))
        #expect(!exactMatch([4], [4, 5]))
        #expect(accuracy([true, false, true, false]) == Accuracy(correct: 2, total: 4))
        #expect(Accuracy(correct: 1, total: 4).value == 0.25)
    }

    @Test func casesTokenizePromptAndSpaceLabelSeparately() throws {
        let cases = try answerCases([TaskRow(prompt: "ab", label: "cd")], tokenizer: CharTokenizer())
        let t = CharTokenizer()
        #expect(cases[0].prompt == t.encode("ab").map(Int32.init))
        #expect(cases[0].answer == t.encode(" cd").map(Int32.init))
        #expect(cases[0].row == t.encode("ab c").map(Int32.init))
        #expect(cases[0].predictingPositions == 1..<4)
        #expect(throws: EvaluationInputError.self) { try answerCases([TaskRow(prompt: "", label: "x")], tokenizer: CharTokenizer()) }
    }

    @Test(arguments: [Tiny.llama, Tiny.gpt2])
    func rightWrongAndPartiallyRightAnswers(_ c: ModelConfig) throws {
        let m = try Tiny.model(c)
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
        #expect(accuracy(try scoreAnswers(m, cases, pad: 0)) == Accuracy(correct: 6, total: 15))
    }

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

    @Test func teacherForcedEqualsGreedyOnATinyModel() throws {
        let m = try Tiny.model()
        let cases = (0..<6).map { AnswerCase(prompt: Tiny.tokens(3 + $0, seed: UInt64($0 + 1)), answer: Tiny.tokens(4, seed: UInt64($0 + 40))) }
        try expectSameAsGreedy(m, cases)
    }

    @Test func teacherForcedEqualsGreedyOnTheRealModel() throws {
        let (m, bpe) = try realModel()
        var cases: [AnswerCase] = []
        let rows: [(TaskKind, TaskRow)] = [
            (.sum, TaskRow(prompt: "12 + 30 =", label: "42")), (.sum, TaskRow(prompt: "213 + 391 =", label: "604")),
            (.dyck, TaskRow(prompt: "Are parenthesis here correctly matched? ([)]\nAnswer:", label: "yes")),
            (.count, TaskRow(prompt: "What is the number of 'x' in this text? x y x x\nAnswer:", label: "3")),
        ]
        for (task, row) in rows { cases += try answerCases([row], tokenizer: TaskTokenizer(bpe, task: task)) }
        // the model's own greedy continuation as an answer: a case that must be right
        let own = try m.generateGreedy(prompt: cases[0].prompt, maxNewTokens: 3)
        cases.append(AnswerCase(prompt: cases[0].prompt, answer: own))
        try expectSameAsGreedy(m, cases)
        #expect(try scoreAnswers(m, cases, pad: 2).last == true)
    }
}
