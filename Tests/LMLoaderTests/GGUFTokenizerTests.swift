// The tokenizer read from GGUF metadata (TokenizerLoading's GGUF path) on tiny files written by
// the test GGUF writer: a working vocabulary, and errors naming the key for unsupported models,
// pre-tokenizers and inconsistent tables.
import Testing
@testable import LM

@Suite struct GGUFTokenizerTests {
    func gguf(pre: String = "smollm", model: String = "gpt2", types: [Int32]? = nil, merges: [String] = ["Ġ 1", "a b"]) -> TestGGUF {
        var g = TestGGUF()
        let tokens = (0..<256).map { String(ByteLevel.byteToScalar[$0]) } + ["Ġ1", "ab", "<|im_end|>"]
        g.kvs = [("tokenizer.ggml.model", .string(model)), ("tokenizer.ggml.pre", .string(pre)),
                 ("tokenizer.ggml.tokens", .strings(tokens)),
                 ("tokenizer.ggml.token_type", .i32s(types ?? ([Int32](repeating: 1, count: 258) + [3]))),
                 ("tokenizer.ggml.merges", .strings(merges)), ("tokenizer.ggml.eos_token_id", .u32(258))]
        return g
    }

    @Test func tinyTokenizer() throws {
        let tok = try loadTokenizer(try GGUFFile(path: try gguf().write()))
        #expect(tok.vocabSize == 259 && tok.eos == 258)
        #expect(tok.encode("ab 1<|im_end|>") == [257, 32, 49, 258])          // smollm: " " and "1" apart
        let gpt2 = try loadTokenizer(try GGUFFile(path: try gguf(pre: "gpt2").write()))
        #expect(gpt2.encode("ab 1") == [257, 256])
    }

    @Test func errorsNameTheKey() throws {
        for (g, part) in [(gguf(pre: "llama-bpe"), "tokenizer.ggml.pre is 'llama-bpe'"),
                          (gguf(model: "llama"), "tokenizer.ggml.model is 'llama'"),
                          (gguf(types: [1, 1]), "tokenizer.ggml.token_type has 2 entries for 259 tokens"),
                          (gguf(types: [Int32](repeating: 9, count: 259)), "tokenizer.ggml.token_type[0] is 9"),
                          (gguf(merges: ["Ġ1"]), "tokenizer.ggml.merges[0]")] {
            do { _ = try loadTokenizer(try GGUFFile(path: try g.write())); Issue.record("expected: \(part)") } catch {
                #expect("\(error)".contains(part), "\(error)")
            }
        }
    }
}
