// Task accuracy (METHOD §5.1): examples tokenized as the paper does, and correct/total counts.
// The scoring itself (teacher-forced exact match, batched; KV-cached greedy as its oracle) is
// LM's `scoreAnswers`, shared with distill's validation curve.
import LM
import Support
import Tasks

/// Tokenizes examples as the paper does: prompt alone (no BOS), target = tokens of " " + label.
public func answerCases(_ rows: [TaskRow], tokenizer: some TextTokenizer) throws -> [AnswerCase] {
    try rows.enumerated().map { n, r in
        let p = tokenizer.encode(r.prompt).map(Int32.init), a = tokenizer.encode(" " + r.label).map(Int32.init)
        guard !p.isEmpty, !a.isEmpty else {
            throw EvaluationInputError("example \(n + 1) (\(r.prompt.debugDescription) → \(r.label.debugDescription)): the prompt or the answer has no tokens")
        }
        return AnswerCase(prompt: p, answer: a)
    }
}

/// Correct / total of a scored set.
public struct Accuracy: Sendable, Equatable {
    public var correct: Int
    public var total: Int
    public init(correct: Int, total: Int) { self.correct = correct; self.total = total }
    public var value: Double { total == 0 ? 0 : Double(correct) / Double(total) }
}

public func accuracy(_ correct: [Bool]) -> Accuracy { Accuracy(correct: correct.filter { $0 }.count, total: correct.count) }
