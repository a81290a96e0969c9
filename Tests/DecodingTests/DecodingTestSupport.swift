// Shared fixtures of the decoding tests: a tiny compiled program over the dyck vocabulary, a tiny
// GPT-2 Hugging Face folder with a byte-level tokenizer (every character one token), task rows
// aligned with it, and temporary paths. The real SmolLM2 path is used in DecodeStageTests.
import Compiler
import Foundation
import SafeTensors
import Tasks
import LM

/// The repository root (this file is Tests/DecodingTests/…).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

func temporaryPath(_ name: String) -> String {
    let d = FileManager.default.temporaryDirectory.path + "/graft-decoding-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d + "/" + name
}

/// Two layers over the dyck vocabulary: how many "(" so far, and whether the token is a bracket opener.
let tinyProgram = """
opened = SelectorWidth(Select(tokens, tokens, (key, query) -> key == "(")).named("opened")
is_open = Map(t -> t == "(" or t == "[" or t == "{", tokens).named("is_open")
both = SequenceMap((a, b) -> if b then a else 0, opened, is_open).named("both")
output both
"""

let tinyCompiled: CompiledModel = try! compile(source: tinyProgram, file: "tiny.rasp", vocab: compiledVocabulary(.dyck),
                                               maxSeqLen: 40, causal: true)

/// Small deterministic pseudo-random floats in [-scale, scale].
func pseudoRandom(_ n: Int, seed: UInt64, scale: Float) -> [Float] {
    var x = seed &* 0x9E3779B97F4A7C15 | 1
    return (0..<n).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return (Float(x >> 40) / Float(1 << 24) * 2 - 1) * scale }
}

/// A GPT-2 folder: width 16, `layers` blocks, 64 positions, byte-level vocabulary (no merges).
func tinyGPT2Folder(layers: Int = 4, seed: UInt64 = 7) throws -> String {
    let d = temporaryPath("gpt2-\(layers)-\(seed)")
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    let cfg: [String: Any] = ["model_type": "gpt2", "n_embd": 16, "n_layer": layers, "n_head": 2, "n_positions": 64,
                              "vocab_size": 257, "layer_norm_epsilon": 1e-5, "n_inner": NSNull()]
    try JSONSerialization.data(withJSONObject: cfg).write(to: URL(fileURLWithPath: d + "/config.json"))
    var w = SafeTensorsWriter()
    for (k, t) in hfTensorTable(try hfConfig(cfg, source: "test")).enumerated() {
        let n = t.shape.reduce(1, *)
        let values = t.name.hasSuffix("ln_1.weight") || t.name.hasSuffix("ln_2.weight") || t.name.hasSuffix("ln_f.weight")
            ? [Float](repeating: 1, count: n) : pseudoRandom(n, seed: seed &+ UInt64(k), scale: 0.2)
        try w.add(t.name, shape: t.shape, floats: values)
    }
    try Data(w.encode()).write(to: URL(fileURLWithPath: d + "/model.safetensors"))
    var v: [String: Int] = [:]
    for b in 0..<256 { v[String(ByteLevel.byteToScalar[b])] = b }
    v["<|endoftext|>"] = 256
    try JSONSerialization.data(withJSONObject: v).write(to: URL(fileURLWithPath: d + "/vocab.json"))
    try Data("#version: 0.2\n".utf8).write(to: URL(fileURLWithPath: d + "/merges.txt"))
    return d
}

/// Task rows (as generate-data writes them) for `texts`, each LM token mapped through the Dyck
/// translator's table (these free-form texts have no fixed question, so the prompt-prefix and
/// anchor rules of `compiledInput(for:)` do not apply); a text's last character is its answer.
func taskRowsJSONL(_ texts: [String], tokenizer: some TextTokenizer) throws -> String {
    let translator = try TokenTranslator(task: .dyck, tokenizer: tokenizer)
    return texts.map { text in
        let ids = tokenizer.encode(text)
        let c = CompiledInput(lmTokens: ids, compiledTokens: ["bos"] + ids.map { translator.table[$0] ?? translator.filler },
                              lmToCompiled: ids.indices.map { $0 + 1 }, promptTokens: ids.count - 1)
        return jsonLine(Example(prompt: String(text.dropLast()), label: String(text.last!)), compiled: c)
    }.joined()
}
