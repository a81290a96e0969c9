// Where does the answer form? For every LM residual r = 0…L, a ridge least-squares probe from
// the residual at each position that predicts an answer token to the one-hot of that token (over
// the answer tokens seen in the fitting rows), fitted on training rows and scored by argmax on
// held-out rows. Answer token j of a row with p prompt tokens is lm_tokens[p + j], predicted at
// position p + j − 1. It tells where a model holds its answer linearly, so where detach-and-roll's
// hook can ask for it (docs/distill.md). Given detach-and-roll's projector P at its hooked residual,
// two more probes are fitted there: on P·h (what the kept subspace holds of the answer, all that the
// blocks above the hook receive of their own row) and on h − P·h (what the roll replaces).
// Legend: D LM width, A answer alphabet size.
import Foundation
import LM
import Tasks
import Tensor

public struct AnswerProbe: Codable, Sendable, Equatable {
    public var format = "graft-answer-probe"
    public var version = 1
    /// The answer tokens the probe classifies into, as text.
    public var alphabet: [String]
    public var fitExamples: Int
    public var examples: Int
    /// Held-out accuracy per residual 0…L and answer token 0…m−1 (nil: no row has that many answer tokens).
    public var tokenAccuracy: [[Double?]]
    /// Per residual: share of held-out rows whose every answer token the probe gets right.
    public var exactMatch: [Double]
    /// Per answer token: share of held-out rows whose token is the fitting rows' most common one (the prior).
    public var priorAccuracy: [Double?]
    public var ridge: Double
    /// At the hooked residual of an injected model: the probe on the kept subspace and on its complement.
    public var split: SubspaceSplit?

    /// The answer probe at one residual, fitted on the projection of the residual onto a subspace
    /// (`kept`) and onto its orthogonal complement (`complement`).
    public struct SubspaceSplit: Codable, Sendable, Equatable {
        public var residual: Int
        /// The subspace's dimension (the adapter's output rows).
        public var dims: Int
        public var keptTokenAccuracy: [Double?], keptExactMatch: Double
        public var complementTokenAccuracy: [Double?], complementExactMatch: Double
        /// Mean over the held-out answer-predicting positions of ‖P·h‖ / ‖h‖: how much of the
        /// residual's length the kept part has (what the blocks above the hook get of their own row).
        public var keptNormShare: Double
        /// The same for the part that varies between positions: Σ‖P·(h − h̄)‖² / Σ‖h − h̄‖² over the
        /// held-out answer-predicting positions (h̄ their mean), the kept share of the variance.
        public var keptVarianceShare: Double

        enum CodingKeys: String, CodingKey {
            case residual, dims
            case keptNormShare = "kept_norm_share", keptVarianceShare = "kept_variance_share"
            case keptTokenAccuracy = "kept_token_accuracy", keptExactMatch = "kept_exact_match"
            case complementTokenAccuracy = "complement_token_accuracy", complementExactMatch = "complement_exact_match"
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, version, alphabet, ridge, examples, split
        case fitExamples = "fit_examples", tokenAccuracy = "token_accuracy", exactMatch = "exact_match"
        case priorAccuracy = "prior_accuracy"
    }
}

/// One task row's answer, as the probe reads it.
struct ProbeRow {
    var tokens: [Int]
    var promptTokens: Int
    var answer: ArraySlice<Int> { tokens[promptTokens...] }
}

/// Fits and scores the probe at every residual of `lm` (all blocks are run); with `split`, also on
/// residual `split.residual` projected by `split.projector` ([D, D], e.g. detach-and-roll's) and by its complement.
public func probeAnswer(lm: TransformerLM, fit: [TaskRow], test: [TaskRow], ridge: Double,
                        split: (residual: Int, projector: [Float], dims: Int)? = nil,
                        tokenText: (Int) -> String, progress: (String) -> Void = { _ in }) throws -> AnswerProbe {
    func rows(_ r: [TaskRow], _ what: String) throws -> [ProbeRow] {
        try r.enumerated().map { i, row in
            guard let c = row.compiled else {
                throw DecodeError("answer probe: \(what) row \(i + 1) has no LM tokens; regenerate the data with generate-data task --model default")
            }
            return ProbeRow(tokens: c.lmTokens, promptTokens: c.promptTokens)
        }
    }
    let fitRows = try rows(fit, "fitting"), testRows = try rows(test, "held-out")
    let alphabet = Array(Set(fitRows.flatMap(\.answer))).sorted()
    guard alphabet.count >= 2 else { throw DecodeError("answer probe: the fitting rows have \(alphabet.count) distinct answer token(s); need ≥ 2") }
    let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    let residuals = lm.config.nLayers + 1, d = lm.config.dModel, a = alphabet.count
    let longest = max(fitRows.map(\.answer.count).max() ?? 0, testRows.map(\.answer.count).max() ?? 0)

    if let split {
        guard (0..<residuals).contains(split.residual), split.projector.count == d * d else {
            throw DecodeError("answer probe: a subspace split at residual \(split.residual) with \(split.projector.count) projector values; the LM has residuals 0..<\(residuals) of width \(d)")
        }
    }
    // Residual r at the answer-predicting positions of one row: [m, D] per residual; with a split,
    // two more entries: the split residual's kept part P·h and its complement h − P·h.
    func features(_ row: ProbeRow) throws -> [[Float]] {
        let all = try lmResiduals(lm, tokens: Array(row.tokens[..<(row.tokens.count - 1)]), at: Array(0..<residuals))
        var x = all.map { x in
            row.answer.indices.flatMap { t in x[((t - 1) * d)..<(t * d)] }
        }
        if let split {
            let h = x[split.residual], m = row.answer.count
            var kept = [Float](repeating: 0, count: m * d)
            gemm(transA: false, transB: false, m: m, n: d, k: d, alpha: 1, a: h, lda: d, b: split.projector, ldb: d,
                 beta: 0, c: &kept, ldc: d)           // P is symmetric
            x.append(kept)
            x.append(zip(h, kept).map { $0 - $1 })
        }
        return x
    }
    let probed = residuals + (split == nil ? 0 : 2)
    var equations = (0..<probed).map { _ in NormalEquations(inputWidth: d, outputWidth: a) }
    var counts = [[Int]](repeating: [Int](repeating: 0, count: a), count: longest)
    for (i, row) in fitRows.enumerated() {
        let x = try features(row)
        var y = [Float](repeating: 0, count: row.answer.count * a)
        for (j, t) in row.answer.enumerated() { let c = index[t]!; y[j * a + c] = 1; counts[j][c] += 1 }
        for r in 0..<probed { try equations[r].add(x: x[r], y: y, rows: row.answer.count) }
        if (i + 1) % 100 == 0 { progress("answer probe: \(i + 1)/\(fitRows.count) fitting rows") }
    }
    let probes = try equations.map { try $0.solve(ridge: ridge) }
    let prior = counts.map { c in alphabet[c.indices.max { c[$0] < c[$1] }!] }

    var right = [[Int]](repeating: [Int](repeating: 0, count: longest), count: probed)
    var seen = [Int](repeating: 0, count: longest), priorRight = [Int](repeating: 0, count: longest)
    var exact = [Int](repeating: 0, count: probed)
    var normShare = 0.0, normPositions = 0
    // Σ and Σ of squares of h and P·h over the held-out answer positions, for the variance shares.
    var sumWhole = [Double](repeating: 0, count: d), sumKept = [Double](repeating: 0, count: d)
    var squaresWhole = 0.0, squaresKept = 0.0
    for row in testRows {
        let x = try features(row)
        if let split {
            for j in row.answer.indices.map({ $0 - row.promptTokens }) {
                let whole = x[split.residual][(j * d)..<((j + 1) * d)], kept = x[residuals][(j * d)..<((j + 1) * d)]
                let wholeSquares = whole.reduce(0) { $0 + Double($1) * Double($1) }
                let keptSquares = kept.reduce(0) { $0 + Double($1) * Double($1) }
                for (i, v) in whole.enumerated() { sumWhole[i] += Double(v) }
                for (i, v) in kept.enumerated() { sumKept[i] += Double(v) }
                squaresWhole += wholeSquares; squaresKept += keptSquares
                if wholeSquares > 0 { normShare += (keptSquares / wholeSquares).squareRoot(); normPositions += 1 }
            }
        }
        for (j, t) in row.answer.enumerated() { seen[j] += 1; if t == prior[j] { priorRight[j] += 1 } }
        for r in 0..<probed {
            let scores = try probes[r].apply(x[r], rows: row.answer.count)
            var all = true
            for (j, t) in row.answer.enumerated() {
                let s = scores[(j * a)..<((j + 1) * a)]
                let best = alphabet[s.indices.max { s[$0] < s[$1] }! - j * a]
                if best == t { right[r][j] += 1 } else { all = false }
            }
            if all { exact[r] += 1 }
        }
    }
    func share(_ n: Int, _ of: Int) -> Double? { of == 0 ? nil : Double(n) / Double(of) }
    let tokenAccuracy = right.map { r in r.indices.map { share(r[$0], seen[$0]) } }
    let exactMatch = exact.map { Double($0) / Double(max(testRows.count, 1)) }
    return AnswerProbe(alphabet: alphabet.map(tokenText), fitExamples: fitRows.count, examples: testRows.count,
                       tokenAccuracy: Array(tokenAccuracy[..<residuals]), exactMatch: Array(exactMatch[..<residuals]),
                       priorAccuracy: priorRight.indices.map { share(priorRight[$0], seen[$0]) }, ridge: ridge,
                       split: split.map { sp in
                           AnswerProbe.SubspaceSplit(residual: sp.residual, dims: sp.dims,
                                         keptTokenAccuracy: tokenAccuracy[residuals], keptExactMatch: exactMatch[residuals],
                                         complementTokenAccuracy: tokenAccuracy[residuals + 1], complementExactMatch: exactMatch[residuals + 1],
                                         keptNormShare: normShare / Double(max(normPositions, 1)),
                                         keptVarianceShare: {
                                             let n = Double(max(normPositions, 1))
                                             let whole = squaresWhole - sumWhole.reduce(0) { $0 + $1 * $1 } / n
                                             let kept = squaresKept - sumKept.reduce(0) { $0 + $1 * $1 } / n
                                             return whole > 0 ? kept / whole : 0
                                         }())
                       })
}

extension AnswerProbe {
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    /// A Markdown table: one line per residual.
    public var table: String {
        let m = priorAccuracy.count
        func pct(_ v: Double?) -> String { v.map { String(format: "%.0f", 100 * $0) } ?? "–" }
        var s = "| residual | " + (0..<m).map { "token \($0 + 1)" }.joined(separator: " | ") + " | all |\n"
        s += "|---:|" + String(repeating: "---:|", count: m + 1) + "\n"
        s += "| prior | " + priorAccuracy.map(pct).joined(separator: " | ") + " | |\n"
        for (r, acc) in tokenAccuracy.enumerated() {
            s += "| \(r) | " + acc.map(pct).joined(separator: " | ") + " | \(pct(exactMatch[r])) |\n"
        }
        if let split {
            s += "| \(split.residual), kept subspace (\(split.dims) dims) | " + split.keptTokenAccuracy.map(pct).joined(separator: " | ") + " | \(pct(split.keptExactMatch)) |\n"
            s += "| \(split.residual), its complement | " + split.complementTokenAccuracy.map(pct).joined(separator: " | ") + " | \(pct(split.complementExactMatch)) |\n"
            s += "\nAt the answer-predicting positions of residual \(split.residual) the kept part has " + String(format: "%.1f", 100 * split.keptNormShare) + " % of the residual's length (mean of ‖P·h‖ / ‖h‖) and " + String(format: "%.1f", 100 * split.keptVarianceShare) + " % of its variance between positions.\n"
        }
        return s
    }
}
