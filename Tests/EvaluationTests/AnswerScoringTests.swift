// Task scoring as evaluate does it: the paper's tokenization of prompt and label, counts, and
// teacher-forced scoring against KV-cached greedy generation on the real model.
import Testing
import LM
import Tasks
@testable import Evaluation

@Suite struct AnswerScoringTests {
    @Test func accuracyCounts() {
        #expect(accuracy([true, false, true, false]) == Accuracy(correct: 2, total: 4))
        #expect(Accuracy(correct: 1, total: 4).value == 0.25)
        #expect(Accuracy(correct: 0, total: 0).value == 0)
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
        let forced = try teacherForcedPredictions(m, cases, shape: BatchShape(rows: 4, tokens: 1024), pad: 2)
        let greedy = try greedyAnswers(m, cases)
        for (i, c) in cases.enumerated() {
            // identical up to the first wrong token, hence the same verdict
            let firstWrong = c.answer.indices.first { forced[i][$0] != c.answer[$0] } ?? c.answer.count - 1
            #expect(forced[i][...firstWrong] == greedy[i][...firstWrong], "case \(i)")
            #expect(exactMatch(forced[i], c.answer) == exactMatch(greedy[i], c.answer), "case \(i)")
        }
        #expect(try scoreAnswers(m, cases, pad: 2).last == true)
    }
}
