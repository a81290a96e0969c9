// Loading GPT-2 vocab.json + merges.txt (and its errors); the GGUF path is covered by the
// real-file tests in BPETokenizerTests.
import Foundation
import Testing
@testable import LM
import TestSupport

@Suite struct TokenizerLoadingTests {
    func write(_ vocab: [String: Int], _ merges: String) throws -> (String, String) {
        let d = try makeTemporaryDirectory("lm-tok")
        try JSONSerialization.data(withJSONObject: vocab).write(to: URL(fileURLWithPath: d + "/vocab.json"))
        try Data(merges.utf8).write(to: URL(fileURLWithPath: d + "/merges.txt"))
        return (d + "/vocab.json", d + "/merges.txt")
    }

    func byteVocab() -> [String: Int] {
        var v: [String: Int] = [:]
        for b in 0..<256 { v[String(ByteLevel.byteToScalar[b])] = b }
        return v
    }

    @Test func gpt2Folder() throws {
        var v = byteVocab()
        v["Ġt"] = 256; v["he"] = 257; v["Ġthe"] = 258; v["<|endoftext|>"] = 259
        let (vj, mt) = try write(v, "#version: 0.2\nĠ t\nh e\nĠt he\n")
        let tok = try loadGPT2Tokenizer(vocabJSON: vj, mergesTXT: mt)
        #expect(tok.vocabulary.preTokenizer == .gpt2)
        #expect(tok.eos == 259)
        #expect(tok.encode(" the 12<|endoftext|>") == [258, 32, 49, 50, 259])   // byte b has id b here
    }

    @Test func badFiles() throws {
        var v = byteVocab()
        v["xyz"] = 300   // gap at 256
        let (vj, mt) = try write(v, "")
        do { _ = try loadGPT2Tokenizer(vocabJSON: vj, mergesTXT: mt); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("no token has id 256"))
        }
        let (vj2, mt2) = try write(byteVocab(), "#version: 0.2\nab\n")
        do { _ = try loadGPT2Tokenizer(vocabJSON: vj2, mergesTXT: mt2); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("merges.txt:2"))
        }
    }
}
