// Task accuracy (METHOD §5.1): greedy generation of len(target) tokens after the prompt, exact
// match with target = tokens of " " + label. Greedy exact match equals teacher-forced argmax
// agreement at every answer position (while every earlier token matched, the context is the
// same), so whole batches of prompt + answer rows are scored in one forward each; the KV-cached
// `generateGreedy` is kept beside it as its oracle (`greedyAnswers`, tested on real examples).
import LM
import Support
import Tasks

/// One example's token ids: the prompt and the expected answer (≥ 1 token).
public struct AnswerCase: Sendable, Equatable {
    public var prompt: [Int32]
    public var answer: [Int32]
    public init(prompt: [Int32], answer: [Int32]) { self.prompt = prompt; self.answer = answer }

    /// The row the model reads: prompt + answer without its last token.
    var row: [Int32] { prompt + answer.dropLast() }
    /// Positions (within the row) whose next-token prediction must equal answer[j].
    var predictingPositions: Range<Int> { (prompt.count - 1)..<(prompt.count - 1 + answer.count) }
}

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

/// The argmax predictions at each case's answer positions (teacher forced), per case.
public func teacherForcedPredictions(_ model: TransformerLM, _ cases: [AnswerCase], shape: BatchShape = BatchShape(), pad: Int32,
                                     hook: (afterBlock: Int, hook: ResidualHook)? = nil,
                                     progress: ProgressBar? = nil) throws -> [[Int32]] {
    let head = LogitHead(model)
    var predictions = [[Int32]](repeating: [], count: cases.count)
    try forEachBatch(model, cases.map(\.row), shape: shape, pad: pad, hook: hook, progress: progress) { batch, out in
        var positions: [Int] = []
        for (r, m) in batch.members.enumerated() { positions += cases[m].predictingPositions.map { r * batch.seq + $0 } }
        var best = head.argmax(out, positions: positions)[...]
        for m in batch.members {
            predictions[m] = best.prefix(cases[m].answer.count).map(Int32.init)
            best = best.dropFirst(cases[m].answer.count)
        }
    }
    return predictions
}

/// Exact match: every predicted token equals the answer token at its position.
public func exactMatch(_ predicted: [Int32], _ answer: [Int32]) -> Bool { predicted == answer }

/// Correct / total of a scored set.
public struct Accuracy: Sendable, Equatable {
    public var correct: Int
    public var total: Int
    public init(correct: Int, total: Int) { self.correct = correct; self.total = total }
    public var value: Double { total == 0 ? 0 : Double(correct) / Double(total) }
}

/// Per-case correctness of greedy answers (teacher-forced, batched).
public func scoreAnswers(_ model: TransformerLM, _ cases: [AnswerCase], shape: BatchShape = BatchShape(), pad: Int32,
                         hook: (afterBlock: Int, hook: ResidualHook)? = nil, progress: ProgressBar? = nil) throws -> [Bool] {
    let predicted = try teacherForcedPredictions(model, cases, shape: shape, pad: pad, hook: hook, progress: progress)
    return zip(predicted, cases).map { exactMatch($0, $1.answer) }
}

public func accuracy(_ correct: [Bool]) -> Accuracy { Accuracy(correct: correct.filter { $0 }.count, total: correct.count) }

/// The oracle: KV-cached greedy generation of exactly len(answer) tokens for each case (no stop token).
public func greedyAnswers(_ model: TransformerLM, _ cases: [AnswerCase]) throws -> [[Int32]] {
    try cases.map { try model.generateGreedy(prompt: $0.prompt, maxNewTokens: $0.answer.count) }
}
