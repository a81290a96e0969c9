// Building a BPETokenizer from its two sources: GGUF metadata (tokenizer.ggml.*: model 'gpt2',
// pre-tokenizer name, tokens, token types, merges, eos/bos) and a GPT-2 Hugging Face folder
// (vocab.json + merges.txt; `<|endoftext|>` is its one control token).
import Foundation

/// The tokenizer stored in a GGUF file.
public func loadTokenizer(_ gguf: GGUFFile) throws -> BPETokenizer {
    let m = gguf.metadata
    let model = try m.string("tokenizer.ggml.model")
    guard model == "gpt2" else {
        throw TokenizerError("\(gguf.path): tokenizer.ggml.model is '\(model)'; graft reads byte-level BPE ('gpt2') tokenizers only")
    }
    let preName = m["tokenizer.ggml.pre"] == nil ? "gpt2" : try m.string("tokenizer.ggml.pre")
    let pre: PreTokenizerKind
    switch preName {
    case "smollm": pre = .smollm
    case "gpt2", "gpt-2", "default": pre = .gpt2
    default:
        throw TokenizerError("\(gguf.path): tokenizer.ggml.pre is '\(preName)'; graft implements 'smollm' and 'gpt2' only")
    }
    let tokens = try m.strings("tokenizer.ggml.tokens")
    let rawTypes = m["tokenizer.ggml.token_type"] == nil ? [Int](repeating: 1, count: tokens.count)
        : try m.ints("tokenizer.ggml.token_type")
    guard rawTypes.count == tokens.count else {
        throw TokenizerError("\(gguf.path): tokenizer.ggml.token_type has \(rawTypes.count) entries for \(tokens.count) tokens")
    }
    var types: [TokenType] = []
    types.reserveCapacity(tokens.count)
    for (i, t) in rawTypes.enumerated() {
        guard let k = TokenType(rawValue: t) else {
            throw TokenizerError("\(gguf.path): tokenizer.ggml.token_type[\(i)] is \(t), not a token type (0–6)")
        }
        types.append(k)
    }
    let merges = try m.strings("tokenizer.ggml.merges").enumerated().map { i, line in
        try splitMerge(line, where: "\(gguf.path): tokenizer.ggml.merges[\(i)]")
    }
    func optionalID(_ key: String) throws -> Int? {
        guard m[key] != nil else { return nil }
        let id = try m.int(key)
        guard id >= 0 && id < tokens.count else { throw TokenizerError("\(gguf.path): \(key) \(id) is not a token id") }
        return id
    }
    return try BPETokenizer(BPEVocabulary(tokens: tokens, types: types, merges: merges, preTokenizer: pre,
                                          eos: try optionalID("tokenizer.ggml.eos_token_id"),
                                          bos: try optionalID("tokenizer.ggml.bos_token_id")))
}

/// "left right" → its two sides (the first space after the first character separates them).
func splitMerge(_ line: Substring.SubSequence, where place: @autoclosure () -> String) throws -> (left: String, right: String) {
    let chars = Array(line)
    guard chars.count >= 3, let cut = chars.dropFirst().firstIndex(of: " "), cut + 1 < chars.count else {
        throw TokenizerError("\(place()): merge '\(line)' is not two tokens separated by a space")
    }
    return (String(chars[..<cut]), String(chars[(cut + 1)...]))
}

func splitMerge(_ line: String, where place: @autoclosure () -> String) throws -> (left: String, right: String) {
    try splitMerge(line[...], where: place())
}

/// A GPT-2 tokenizer from vocab.json ({token: id}) and merges.txt ("#version" line, then one
/// merge per line).
public func loadGPT2Tokenizer(vocabJSON: String, mergesTXT: String) throws -> BPETokenizer {
    let data = try Data(contentsOf: URL(fileURLWithPath: vocabJSON))
    guard let dict = try JSONSerialization.jsonObject(with: data) as? [String: Int] else {
        throw TokenizerError("\(vocabJSON): not a JSON object of token → id")
    }
    let n = (dict.values.max() ?? -1) + 1
    var tokens = [String?](repeating: nil, count: n)
    for (t, id) in dict {
        guard id >= 0 else { throw TokenizerError("\(vocabJSON): token '\(t)' has negative id \(id)") }
        guard tokens[id] == nil else { throw TokenizerError("\(vocabJSON): id \(id) is given to two tokens") }
        tokens[id] = t
    }
    if let gap = tokens.firstIndex(where: { $0 == nil }) {
        throw TokenizerError("\(vocabJSON): no token has id \(gap) (ids must be 0..<\(n))")
    }
    let text = try String(contentsOfFile: mergesTXT, encoding: .utf8)
    var merges: [(left: String, right: String)] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let l = line.hasSuffix("\r") ? line.dropLast() : line
        if l.isEmpty || (i == 0 && l.hasPrefix("#version")) { continue }
        merges.append(try splitMerge(l, where: "\(mergesTXT):\(i + 1)"))
    }
    let all = tokens.map { $0! }
    let eos = dict["<|endoftext|>"]
    var types = [TokenType](repeating: .normal, count: n)
    if let eos { types[eos] = .control }
    return try BPETokenizer(BPEVocabulary(tokens: all, types: types, merges: merges, preTokenizer: .gpt2, eos: eos, bos: eos))
}
