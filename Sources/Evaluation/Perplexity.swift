// Perplexity on the Tiny-Shakespeare stand-in (METHOD §5.2): the first N lines of the file;
// each non-empty line is its own sequence (no context carried over), truncated to 350 tokens and
// skipped when it has fewer than 2 tokens; per-line perplexity = exp(mean next-token CE). The
// paper reports the mean of per-line perplexities; graft also reports the token-weighted one,
// exp(total CE / total predicted tokens), the more usual figure.
import Foundation
import LM
import Support
import Tensor
import Tasks

public struct PerplexityResult: Sendable, Equatable {
    /// Lines scored (non-empty, ≥ 2 tokens) and next-token predictions made.
    public var lines: Int
    public var tokens: Int
    public var meanPerLine: Double
    public var tokenWeighted: Double
    /// Each scored line's summed CE (nats) and its number of predictions.
    public var perLine: [(ce: Double, count: Int)]

    public static func == (a: Self, b: Self) -> Bool {
        a.lines == b.lines && a.tokens == b.tokens && a.meanPerLine == b.meanPerLine && a.tokenWeighted == b.tokenWeighted
            && a.perLine.elementsEqual(b.perLine) { $0.ce == $1.ce && $0.count == $1.count }
    }
}

/// The token sequences perplexity is computed on: the non-empty lines among the first
/// `firstLines`, tokenized, cut to `maxTokens`, those with fewer than 2 tokens dropped.
public func perplexitySequences(_ lines: [String], firstLines: Int, maxTokens: Int = 350,
                                tokenizer: some TextTokenizer) -> [[Int32]] {
    lines.prefix(firstLines).filter { !$0.isEmpty }
        .map { Array(tokenizer.encode($0).prefix(maxTokens)).map(Int32.init) }
        .filter { $0.count >= 2 }
}

/// Summed next-token cross-entropy of one sequence from its [T, V] logits (Double accumulation).
func sequenceCE(_ logits: UnsafePointer<Float>, ids: ArraySlice<Int32>, vocab v: Int) -> Double {
    var total = 0.0
    let ids = Array(ids)
    for t in 0..<(ids.count - 1) {
        let row = logits + t * v
        let m = maximum(row, v)
        var s = 0.0
        for j in 0..<v { s += exp(Double(row[j] - m)) }
        total += (Double(m) + log(s)) - Double(row[Int(ids[t + 1])])
    }
    return total
}

/// Combines per-line (CE sum, predictions) into the two perplexities.
public func perplexity(perLine: [(ce: Double, count: Int)]) -> PerplexityResult {
    let tokens = perLine.reduce(0) { $0 + $1.count }, ce = perLine.reduce(0.0) { $0 + $1.ce }
    let mean = perLine.isEmpty ? 0 : perLine.reduce(0.0) { $0 + exp($1.ce / Double($1.count)) } / Double(perLine.count)
    return PerplexityResult(lines: perLine.count, tokens: tokens, meanPerLine: mean,
                            tokenWeighted: tokens == 0 ? 0 : exp(ce / Double(tokens)), perLine: perLine)
}

/// Perplexity of `sequences` (each ≥ 2 tokens), batched; logits are computed at every position.
public func perplexity(_ model: TransformerLM, _ sequences: [[Int32]], shape: BatchShape = BatchShape(), pad: Int32,
                       progress: ProgressBar? = nil) throws -> PerplexityResult {
    precondition(sequences.allSatisfy { $0.count >= 2 }, "perplexity: every sequence needs at least 2 tokens")
    let v = model.config.vocabSize
    var perLine = [(ce: Double, count: Int)](repeating: (0, 0), count: sequences.count)
    try forEachBatch(model, sequences, shape: shape, pad: pad, computeLogits: true, progress: progress) { batch, out in
        for (r, m) in batch.members.enumerated() {
            let ids = sequences[m]
            perLine[m] = (sequenceCE(out.logits + r * batch.seq * v, ids: ids[...], vocab: v), ids.count - 1)
        }
    }
    return perplexity(perLine: perLine)
}
