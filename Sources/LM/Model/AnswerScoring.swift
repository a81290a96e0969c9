import Support
// Exact-match scoring of answers (METHOD §5.1): greedy generation of len(answer) tokens after the
// prompt equals teacher-forced argmax agreement at every answer position (while every earlier
// token matched, the context is the same), so whole batches of prompt + answer rows are scored in
// one forward each. The KV-cached `generateGreedy` stays beside it as its oracle (`greedyAnswers`).
// distill's validation curve and evaluate's accuracies both score through here.

/// One example's token ids: the prompt and the expected answer (≥ 1 token).
public struct AnswerCase: Sendable, Equatable {
    public var prompt: [Int32]
    public var answer: [Int32]
    public init(prompt: [Int32], answer: [Int32]) { self.prompt = prompt; self.answer = answer }

    /// The row the model reads: prompt + answer without its last token.
    public var row: [Int32] { prompt + answer.dropLast() }
    /// Positions (within the row) whose next-token prediction must equal answer[j].
    public var predictingPositions: Range<Int> { (prompt.count - 1)..<(prompt.count - 1 + answer.count) }
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

/// Per-case correctness of greedy answers (teacher-forced, batched).
public func scoreAnswers(_ model: TransformerLM, _ cases: [AnswerCase], shape: BatchShape = BatchShape(), pad: Int32,
                         hook: (afterBlock: Int, hook: ResidualHook)? = nil, progress: ProgressBar? = nil) throws -> [Bool] {
    let predicted = try teacherForcedPredictions(model, cases, shape: shape, pad: pad, hook: hook, progress: progress)
    return zip(predicted, cases).map { exactMatch($0, $1.answer) }
}

/// The oracle: KV-cached greedy generation of exactly len(answer) tokens for each case (no stop token).
public func greedyAnswers(_ model: TransformerLM, _ cases: [AnswerCase]) throws -> [[Int32]] {
    try cases.map { try model.generateGreedy(prompt: $0.prompt, maxNewTokens: $0.answer.count) }
}
