// Where does the answer form? For every LM residual r = 0…L, a ridge least-squares probe from
// the residual at each position that predicts an answer token to the one-hot of that token (over
// the answer tokens seen in the fitting rows), fitted on training rows and scored by argmax on
// held-out rows. Answer token j of a row with p prompt tokens is lm_tokens[p + j], predicted at
// position p + j − 1. It tells where a model holds its answer linearly, so where detach-and-roll's
// hook can ask for it (docs/distill.md). Legend: D LM width, A answer alphabet size.
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

    enum CodingKeys: String, CodingKey {
        case format, version, alphabet, ridge, examples
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

/// Fits and scores the probe at every residual of `lm` (all blocks are run).
public func probeAnswer(lm: TransformerLM, fit: [TaskRow], test: [TaskRow], ridge: Double,
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

    // Residual r at the answer-predicting positions of one row: [m, D] per residual.
    func features(_ row: ProbeRow) throws -> [[Float]] {
        let all = try lmResiduals(lm, tokens: Array(row.tokens[..<(row.tokens.count - 1)]), at: Array(0..<residuals))
        return all.map { x in
            row.answer.indices.flatMap { t in x[((t - 1) * d)..<(t * d)] }
        }
    }
    var equations = (0..<residuals).map { _ in NormalEquations(inputWidth: d, outputWidth: a) }
    var counts = [[Int]](repeating: [Int](repeating: 0, count: a), count: longest)
    for (i, row) in fitRows.enumerated() {
        let x = try features(row)
        var y = [Float](repeating: 0, count: row.answer.count * a)
        for (j, t) in row.answer.enumerated() { let c = index[t]!; y[j * a + c] = 1; counts[j][c] += 1 }
        for r in 0..<residuals { try equations[r].add(x: x[r], y: y, rows: row.answer.count) }
        if (i + 1) % 100 == 0 { progress("answer probe: \(i + 1)/\(fitRows.count) fitting rows") }
    }
    let probes = try equations.map { try $0.solve(ridge: ridge) }
    let prior = counts.map { c in alphabet[c.indices.max { c[$0] < c[$1] }!] }

    var right = [[Int]](repeating: [Int](repeating: 0, count: longest), count: residuals)
    var seen = [Int](repeating: 0, count: longest), priorRight = [Int](repeating: 0, count: longest)
    var exact = [Int](repeating: 0, count: residuals)
    for row in testRows {
        let x = try features(row)
        for (j, t) in row.answer.enumerated() { seen[j] += 1; if t == prior[j] { priorRight[j] += 1 } }
        for r in 0..<residuals {
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
    return AnswerProbe(alphabet: alphabet.map(tokenText), fitExamples: fitRows.count, examples: testRows.count,
                       tokenAccuracy: right.map { r in r.indices.map { share(r[$0], seen[$0]) } },
                       exactMatch: exact.map { Double($0) / Double(max(testRows.count, 1)) },
                       priorAccuracy: priorRight.indices.map { share(priorRight[$0], seen[$0]) }, ridge: ridge)
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
        return s
    }
}
