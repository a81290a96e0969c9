// One entry point per thing a tool needs from `--model`: the tokenizer alone (cheap: no weights
// are decoded) or the whole model (config, Float32 weights under HF names, tokenizer).
import Foundation

/// A model ready to be built by the engine.
public struct LoadedModel: Sendable {
    public let source: ModelSource
    public let config: ModelConfig
    public let weights: ModelWeights
    public let tokenizer: BPETokenizer
}

/// The tokenizer of `--model` (GGUF metadata, or vocab.json + merges.txt of a HF folder).
public func loadTokenizer(model spec: String, root: String = ".") throws -> BPETokenizer {
    switch try resolveModel(spec, root: root) {
    case .gguf(let path):
        return try loadTokenizer(try GGUFFile(path: path))
    case .hfFolder(let dir):
        let vocab = dir + "/vocab.json", merges = dir + "/merges.txt"
        guard FileManager.default.fileExists(atPath: vocab), FileManager.default.fileExists(atPath: merges) else {
            throw LMFileError("\(dir): no vocab.json + merges.txt (graft reads GPT-2-style tokenizers from Hugging Face folders)")
        }
        return try loadGPT2Tokenizer(vocabJSON: vocab, mergesTXT: merges)
    }
}

/// Config, weights and tokenizer of `--model`.
public func loadModel(_ spec: String, root: String = ".") throws -> LoadedModel {
    let source = try resolveModel(spec, root: root)
    switch source {
    case .gguf(let path):
        let gguf = try GGUFFile(path: path)
        let (config, weights) = try loadLlamaGGUF(gguf)
        let tokenizer = try loadTokenizer(gguf)
        guard tokenizer.vocabSize == config.vocabSize else {
            throw LMFileError("\(path): the tokenizer has \(tokenizer.vocabSize) tokens, the model \(config.vocabSize)")
        }
        return LoadedModel(source: source, config: config, weights: weights, tokenizer: tokenizer)
    case .hfFolder(let dir):
        let ck = try loadHFFolder(dir)
        guard let tokenizer = ck.tokenizer else {
            throw LMFileError("\(dir): no vocab.json + merges.txt beside the weights")
        }
        return LoadedModel(source: source, config: ck.config, weights: ck.weights, tokenizer: tokenizer)
    }
}

/// One line of `graft-lm tokenize`: a JSON string literal in, a JSON array of ids out.
public func tokenizeJSONLine(_ line: String, with tokenizer: BPETokenizer, parseSpecial: Bool = true,
                             lineNumber: Int = 0) throws -> String {
    guard let text = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed) as? String else {
        throw LMFileError("line \(lineNumber): expected one JSON string literal per line, got \(line.prefix(80).debugDescription)")
    }
    return "[" + tokenizer.encode(text, parseSpecial: parseSpecial).map(String.init).joined(separator: ",") + "]"
}
