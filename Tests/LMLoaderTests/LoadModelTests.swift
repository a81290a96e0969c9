// Loading by `--model`: the real default model end to end (config, weights, tokenizer agree),
// the tokenizer alone, and the tokenize CLI's line format and its error for a bad line.
import Foundation
import Testing
@testable import LM

@Suite struct LoadModelTests {
    @Test func tokenizerOnlyAndLineFormat() throws {
        let path = try realModelPath.get()
        let tok = try loadTokenizer(model: path)
        #expect(try tokenizeJSONLine("\"The capital of France is\"", with: tok) == "[504,3575,282,4649,314]")
        #expect(try tokenizeJSONLine("\"<|im_end|>\"", with: tok) == "[2]")
        #expect(try tokenizeJSONLine("\"a\\nb\"", with: tok, parseSpecial: false) == "[81,198,82]")
        do { _ = try tokenizeJSONLine("not json", with: tok, lineNumber: 7); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("line 7"))
        }
    }

    @Test func wholeDefaultModel() throws {
        let path = try realModelPath.get()
        let cacheDir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let source = try resolveModel("default", root: repoRoot, cacheDir: cacheDir)
        #expect(source == .gguf(path))
        let m = try realModel.get()
        let tok = try loadTokenizer(model: path)
        #expect(tok.vocabSize == m.config.vocabSize)
        #expect(m.weights[WeightNames.Llama.embedding]?.shape == [49152, 576])
    }
}
