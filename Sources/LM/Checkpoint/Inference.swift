// Running a loaded model for the command line: next-token logits of a text and greedy
// generation. The engine's TransformerLM has no incremental (KV-cached) decode step yet, so
// generation re-runs the whole prefix each step: exact, quadratic in length, fine for short runs.
import Foundation

/// The `k` highest-scoring ids of one row of logits, best first (ties: lower id first).
public func topIDs(_ logits: UnsafePointer<Float>, vocab: Int, k: Int) -> [Int] {
    var best: [(Float, Int)] = []
    best.reserveCapacity(k + 1)
    for i in 0..<vocab {
        let v = logits[i]
        if best.count == k, let last = best.last, !(v > last.0) { continue }
        var at = best.count
        while at > 0 && v > best[at - 1].0 { at -= 1 }
        best.insert((v, i), at: at)
        if best.count > k { best.removeLast() }
    }
    return best.map(\.1)
}

/// Runs `ids` (one sequence) and hands the [T, V] logits to `body`.
public func withLogits<R>(_ model: TransformerLM, _ ids: [Int], _ body: (UnsafePointer<Float>) throws -> R) throws -> R {
    guard !ids.isEmpty else { throw ModelInputError(description: "model input: the text has no tokens") }
    let out = try model.forward(ids.map(Int32.init), batch: 1, seq: ids.count)
    return try body(out.logits)
}

/// Argmax next token at every position.
public func nextTokenTop1(_ model: TransformerLM, _ ids: [Int]) throws -> [Int] {
    let v = model.config.vocabSize
    return try withLogits(model, ids) { l in (0..<ids.count).map { topIDs(l + $0 * v, vocab: v, k: 1)[0] } }
}

/// One line of `graft-lm logits`: {"ids":[…],"top":[[k ids] per position],"last":[V logits]}.
public func logitsJSONLine(_ model: TransformerLM, _ tokenizer: BPETokenizer, text: String, top k: Int) throws -> String {
    let ids = tokenizer.encode(text)
    let v = model.config.vocabSize
    return try withLogits(model, ids) { l in
        let tops = (0..<ids.count).map { p in "[" + topIDs(l + p * v, vocab: v, k: k).map(String.init).joined(separator: ",") + "]" }
        let last = (0..<v).map { "\(l[(ids.count - 1) * v + $0])" }.joined(separator: ",")
        return "{\"ids\":[\(ids.map(String.init).joined(separator: ","))],\"top\":[\(tops.joined(separator: ","))],\"last\":[\(last)]}"
    }
}

/// Greedy continuation of `prompt`: up to `maxTokens` new ids, stopping after the EOS token.
public func greedyGenerate(_ model: TransformerLM, _ tokenizer: BPETokenizer, prompt: String, maxTokens: Int,
                           onToken: (Int) -> Void = { _ in }) throws -> [Int] {
    var ids = tokenizer.encode(prompt)
    var generated: [Int] = []
    let v = model.config.vocabSize
    for _ in 0..<maxTokens {
        guard ids.count < model.config.contextLength else { break }
        let next = try withLogits(model, ids) { l in topIDs(l + (ids.count - 1) * v, vocab: v, k: 1)[0] }
        generated.append(next)
        ids.append(next)
        onToken(next)
        if next == tokenizer.eos { break }
    }
    return generated
}
