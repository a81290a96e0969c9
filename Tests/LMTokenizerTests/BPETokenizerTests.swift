// BPETokenizer: exactly llama.cpp's ids on the real SmolLM2 tokenizer (curated strings with
// digits, punctuation, whitespace runs, newlines, non-ASCII and special tokens, and random
// strings; ids pinned from llama.cpp itself), round trips, and the BPE rules on a tiny vocabulary.
import Foundation
import Testing
@testable import LM

@Suite struct BPETokenizerTests {
    @Test func matchesLlamaCppOnCuratedStrings() throws {
        let tok = try realTokenizer.get()
        for (text, ids) in LlamaCppReferenceIDs.curated {
            #expect(tok.encode(text) == ids, "\(text.debugDescription)")
        }
        for (text, ids) in LlamaCppReferenceIDs.curatedNoSpecial {
            #expect(tok.encode(text, parseSpecial: false) == ids, "\(text.debugDescription) (no special parsing)")
        }
    }

    @Test func matchesLlamaCppOnRandomStrings() throws {
        let tok = try realTokenizer.get()
        for (text, ids) in LlamaCppReferenceIDs.random {
            #expect(tok.encode(text) == ids, "\(text.debugDescription)")
        }
    }

    @Test func roundTrips() throws {
        let tok = try realTokenizer.get()
        for (text, _) in LlamaCppReferenceIDs.curated + LlamaCppReferenceIDs.random {
            #expect(tok.decode(tok.encode(text)) == text)
            #expect(tok.decode(tok.encode(text, parseSpecial: false)) == text)
        }
        var rng = SystemRandomNumberGenerator()
        let pool = Array("abc XYZ 0123456789\n\t.,!?'()[]{}éß中😀") + ["\u{a0}"]
        for _ in 0..<200 {
            let s = String((0..<Int.random(in: 0...30, using: &rng)).map { _ in pool.randomElement(using: &rng)! })
            #expect(tok.decode(tok.encode(s)) == s)
        }
    }

    @Test func realVocabularyFacts() throws {
        let tok = try realTokenizer.get()
        #expect(tok.vocabSize == 49152)
        #expect(tok.eos == 2 && tok.piece(2) == "<|im_end|>")
        #expect(tok.vocabulary.preTokenizer == .smollm)
        #expect(tok.vocabulary.types.filter { $0 == .control }.count == 17)
        #expect(tok.vocabulary.types.prefix(17).allSatisfy { $0 == .control })
        #expect(tok.unusableMerges == 0)
        #expect(tok.encode("<|im_end|>") == [2])
        #expect(tok.encode(" 123") == [216, 33, 34, 35])   // DESIGN §4: " ", "1", "2", "3"
    }

    @Test func mergesApplyLowestRankFirstThenLeftmost() throws {
        // bytes a=97 b=98 c=99; extra ids 256 "ab", 257 "bc", 258 "abc", 259 "aa"
        let v = tinyVocabulary(extra: ["ab", "bc", "abc", "aa"], merges: [("b", "c"), ("a", "b"), ("a", "bc"), ("a", "a")])
        let tok = try BPETokenizer(v)
        #expect(tok.encode("abc") == [258])          // "b c" (rank 0) first, then "a bc"
        #expect(tok.encode("ab") == [256])
        #expect(tok.encode("aaa") == [259, 97])     // equal ranks: leftmost pair first
        #expect(tok.encode("cab") == [99, 256])
        #expect(tok.decode([258, 99]) == "abcc")
    }

    @Test func specialTokensLongestFirstAndOnlyWhenAsked() throws {
        let v = tinyVocabulary(extra: [], merges: [], controls: ["<s>", "<s>x"])
        let tok = try BPETokenizer(v)
        #expect(tok.encode("a<s>xb<s>") == [97, 257, 98, 256])
        #expect(tok.encode("<s>", parseSpecial: false) == [Int(UInt8(ascii: "<")), 115, Int(UInt8(ascii: ">"))])
        #expect(tok.decode([257]) == "<s>x")
    }

    @Test func bytesWithoutTokenAreDroppedAsLlamaCppDoes() throws {
        var v = tinyVocabulary(extra: [], merges: [])
        v.tokens[65] = "not-a-byte"
        let tok = try BPETokenizer(v)
        #expect(tok.bytesWithoutToken == [65])
        #expect(tok.encode("BAB") == [66, 66])
        let real = try realTokenizer.get()
        #expect(real.bytesWithoutToken.count == 21)            // 0x04, 0x06, …, 0xC0, 0xC1, 0xF1–0xFF
        #expect(real.encode("a\u{4}b") == [81, 82])             // llama.cpp drops the 0x04 byte too
        #expect(real.encode("ctrl\u{1}\u{1f} end") == [39673, 191, 215, 1112])
        var w = tinyVocabulary(extra: [], merges: [])
        for b in 0..<200 { w.tokens[b] = "x\(b)" }
        #expect(throws: TokenizerError.self) { try BPETokenizer(w) }
    }
}
