// Figures for `graft-lm bench`: how long loading takes (GGUF parse, dequantisation, tokenizer)
// how fast the tokenizer runs on task-like short strings, cold (empty piece cache) and warm, and
// the forward throughput of the loaded model at two batch shapes.
import Foundation
import Support

public struct LoaderBenchmark {
    public var parseSeconds = 0.0, dequantSeconds = 0.0, tokenizerLoadSeconds = 0.0
    public var strings = 0, tokens = 0
    public var coldSeconds = 0.0, warmSeconds = 0.0
    public var forward: [(batch: Int, seq: Int, seconds: Double)] = []

    public var lines: [String] {
        [String(format: "load: parse %.3f s, dequantise %.3f s, tokenizer %.3f s", parseSeconds, dequantSeconds, tokenizerLoadSeconds),
         String(format: "tokenize %d strings (%d tokens): cold %.0f strings/s (%.2f M tokens/s), warm %.0f strings/s (%.2f M tokens/s)",
                strings, tokens, Double(strings) / coldSeconds, Double(tokens) / coldSeconds / 1e6,
                Double(strings) / warmSeconds, Double(tokens) / warmSeconds / 1e6)]
            + forward.map { String(format: "forward %d×%d (no grad): %.3f s, %.0f tokens/s", $0.batch, $0.seq, $0.seconds, Double($0.batch * $0.seq) / $0.seconds) }
            + ["OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset: OpenBLAS's own detection)")"]
    }
}

/// Task-like strings (sums, bracket strings, x/y counts, prose), deterministic from `seed`.
public func benchmarkStrings(count: Int, seed: UInt64 = 1) -> [String] {
    var rng = SeededRNG(seed: seed)
    let words = ["the", "model", "answer", "is", "correct", "parenthesis", "matched", "number", "text", "France"]
    return (0..<count).map { i in
        switch i % 4 {
        case 0: return "\(rng.next() % 450) + \(rng.next() % 450) = \(rng.next() % 900)"
        case 1: return "Are parenthesis here correctly matched? " + String((0..<(5 + Int(rng.next() % 26))).map { _ in Array("()[]{}")[Int(rng.next() % 6)] }) + "\nAnswer:"
        case 2: return "What is the number of 'X' in this text? " + (0..<(5 + Int(rng.next() % 36))).map { _ in rng.next() % 2 == 0 ? "x" : "y" }.joined(separator: " ") + "\nAnswer:"
        default: return (0..<(3 + Int(rng.next() % 20))).map { _ in words[Int(rng.next() % 10)] }.joined(separator: " ") + "."
        }
    }
}

public func benchmarkLoading(model spec: String, root: String = ".", strings count: Int = 100_000) throws -> LoaderBenchmark {
    var b = LoaderBenchmark()
    guard case .gguf(let path) = try resolveModel(spec, root: root) else {
        throw LMFileError("graft-lm bench measures GGUF models; \(spec) is a Hugging Face folder")
    }
    var t = monotonicSeconds()
    let gguf = try GGUFFile(path: path)
    b.parseSeconds = monotonicSeconds() - t
    t = monotonicSeconds()
    let (config, weights) = try loadLlamaGGUF(gguf)
    b.dequantSeconds = monotonicSeconds() - t
    t = monotonicSeconds()
    let tok = try loadTokenizer(gguf)
    b.tokenizerLoadSeconds = monotonicSeconds() - t
    let texts = benchmarkStrings(count: count)
    b.strings = texts.count
    t = monotonicSeconds()
    for s in texts { b.tokens += tok.encode(s).count }
    b.coldSeconds = monotonicSeconds() - t
    t = monotonicSeconds()
    for s in texts { _ = tok.encode(s) }
    b.warmSeconds = monotonicSeconds() - t
    let model = try TransformerLM(config: config, weights: weights)
    for (batch, seq) in [(1, 64), (12, 70)] {
        let ids = (0..<(batch * seq)).map { Int32(($0 * 7919) % config.vocabSize) }
        _ = try model.forward(ids, batch: batch, seq: seq)     // warm-up (arena allocation)
        t = monotonicSeconds()
        for _ in 0..<3 { _ = try model.forward(ids, batch: batch, seq: seq) }
        b.forward.append((batch, seq, (monotonicSeconds() - t) / 3))
    }
    return b
}
