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

    @Test func aOneThreadCopyEncodesExactlyAsTheSharedTokenizer() throws {
        let shared = try realTokenizer.get(), worker = shared.forOneThread()
        let long = String(repeating: "abcdefgh", count: 5) + " " + String(repeating: "é", count: 20)   // pieces past 15 bytes
        for (text, ids) in LlamaCppReferenceIDs.curated + LlamaCppReferenceIDs.random + [(long, shared.encode(long))] {
            #expect(worker.encode(text) == ids, "\(text.debugDescription)")
            #expect(worker.encode(text) == ids, "\(text.debugDescription) (from the cache)")
            #expect(worker.encode(text, parseSpecial: false) == shared.encode(text, parseSpecial: false))
        }
    }

    @Test func utf8ScalarsAgreeWithStringOnValidAndInvalidBytes() {
        for text in ["", "plain ascii", "éß中😀 mixed\u{a0}\n\t", "\u{10FFFF}\u{0}"] {
            let (scalars, offsets) = utf8Scalars(Array(text.utf8))
            #expect(scalars == text.unicodeScalars.map(\.value))
            #expect(offsets.count == scalars.count + 1 && offsets.last == text.utf8.count)
        }
        // truncated, stray continuation, overlong "/" and an encoded surrogate: U+FFFD, as String decodes them
        for bad: [UInt8] in [[0x61, 0xE4, 0xB8], [0x80, 0x61], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x61]] {
            #expect(utf8Scalars(bad).scalars == String(decoding: bad, as: UTF8.self).unicodeScalars.map(\.value), "\(bad)")
        }
    }

    @Test func cacheKeysTellPiecesApartByLengthAndBytes() {
        let zero1: ArraySlice<UInt8> = [0], zero2: ArraySlice<UInt8> = [0, 0]
        #expect(PieceCache.key(zero1) != PieceCache.key(zero2))
        #expect(PieceCache.key(ArraySlice(Array(repeating: 7, count: 15))) != nil)
        #expect(PieceCache.key(ArraySlice(Array(repeating: 7, count: 16))) == nil)      // long pieces: keyed by their bytes
        var cache = PieceCache()
        let a: ArraySlice<UInt8> = ArraySlice(Array("0123456789abcdef!".utf8)), b = ArraySlice(Array("0123456789abcdeg!".utf8))
        cache.store([1], for: zero1); cache.store([2], for: zero2); cache.store([3], for: a)
        #expect(cache.ids(of: zero1) == [1] && cache.ids(of: zero2) == [2] && cache.ids(of: a) == [3])
        #expect(cache.ids(of: b) == nil && cache.count == 3)
        let bytes: [UInt8] = [9, 0, 0, 9]                       // a slice that does not start at index 0
        #expect(PieceCache.key(bytes[1..<3]) == PieceCache.key(zero2))
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
