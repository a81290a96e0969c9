// What the model kept of its general abilities (METHOD §5.3–5.5): SST-2 and MRPC with the
// paper's two-shot prompts (reproduced byte for byte) scored by comparing two label-token logits
// at the last position, and LAMBADA last-token accuracy (argmax after all but the last token of
// the passage equals its last token).
import LM
import Support
import Tasks

public enum TwoShotPrompts {
    static let sst2Header = "What is the sentiment in this review? The answer should be one word: either positive or negative."

    /// METHOD §5.3: two demonstrations, then the review; the three parts are concatenated.
    public static func sst2(_ sentence: String) -> String {
        let h = sst2Header
        return "\(h)\n\nReview: the movie was absolutely incredible.\n\nAnswer: positive\n\n"
            + "\(h)\n\nReview: this was a shameful waste of time.\n\nAnswer: negative\n\n"
            + "\(h)\n\nReview: \(sentence)\n\nAnswer:"
    }

    /// METHOD §5.4.
    public static func mrpc(_ sentence1: String, _ sentence2: String) -> String {
        "Determine whether the following two sentences are paraphrases (i.e., have the same meaning). Answer in one word: yes or no.\n\n"
            + "Sentence 1: The company reported strong earnings this quarter.\nSentence 2: The business announced impressive profits for the quarter.\nAnswer: yes\n\n"
            + "Sentence 1: I love to read science fiction novels.\nSentence 2: I prefer watching documentaries over reading books.\nAnswer: no\n\n"
            + "Sentence 1: \(sentence1)\nSentence 2: \(sentence2)\nAnswer:"
    }
}

/// A two-way choice at the last position: label 1 iff logit(positive) > logit(negative).
public struct LabelTokens: Sendable, Equatable {
    public var positive: Int
    public var negative: Int
    /// The first token of each label text (e.g. " positive" / " negative").
    public init(positive: String, negative: String, tokenizer: some TextTokenizer) throws {
        guard let p = tokenizer.encode(positive).first, let n = tokenizer.encode(negative).first, p != n else {
            throw EvaluationInputError("label texts \(positive.debugDescription) / \(negative.debugDescription) do not start with two different tokens")
        }
        self.positive = p; self.negative = n
    }
    public init(positive: Int, negative: Int) { self.positive = positive; self.negative = negative }
}

/// Accuracy of a two-label classification: prompts (token ids), gold labels (0/1).
public func classify(_ model: TransformerLM, prompts: [[Int32]], labels: [Int], tokens: LabelTokens,
                     shape: BatchShape = BatchShape(), pad: Int32, progress: ProgressBar? = nil) throws -> Accuracy {
    precondition(prompts.count == labels.count && prompts.allSatisfy { !$0.isEmpty })
    let head = LogitHead(model)
    var predicted = [Int](repeating: -1, count: prompts.count)
    try forEachBatch(model, prompts, shape: shape, pad: pad, progress: progress) { batch, out in
        let positions = batch.members.enumerated().map { r, m in r * batch.seq + prompts[m].count - 1 }
        let l = head.logits(out, positions: positions, columns: [tokens.positive, tokens.negative])
        for (r, m) in batch.members.enumerated() { predicted[m] = l[r][0] > l[r][1] ? 1 : 0 }
    }
    return Accuracy(correct: zip(predicted, labels).filter { $0 == $1 }.count, total: labels.count)
}

/// Passages as LAMBADA is scored: (context = all tokens but the last, target = the last token);
/// passages of fewer than 2 tokens cannot be scored and are an error.
public func lambadaCases(_ passages: [String], tokenizer: some TextTokenizer) throws -> [AnswerCase] {
    try passages.enumerated().map { n, text in
        let ids = tokenizer.encode(text).map(Int32.init)
        guard ids.count >= 2 else { throw EvaluationInputError("LAMBADA passage \(n + 1) has \(ids.count) token(s); at least 2 are needed") }
        return AnswerCase(prompt: Array(ids.dropLast()), answer: [ids.last!])
    }
}

/// LAMBADA last-token accuracy: one-token answers, so it is task scoring with len(answer) = 1.
public func lambadaAccuracy(_ model: TransformerLM, _ cases: [AnswerCase], shape: BatchShape = BatchShape(), pad: Int32,
                            progress: ProgressBar? = nil) throws -> Accuracy {
    precondition(cases.allSatisfy { $0.answer.count == 1 })
    return accuracy(try scoreAnswers(model, cases, shape: shape, pad: pad, progress: progress))
}
