// Tokenizer surgery: removing merges by predicate keeps ids and splits exactly what the
// predicate names (METHOD.md §2.3).
import Testing
@testable import LM

@Suite struct TokenizerSurgeryTests {
    @Test func multiDigitOnTinyGPT2Vocabulary() throws {
        // 256 "Ġ1", 257 "23", 258 "Ġ123", 259 "ab"
        let v = tinyVocabulary(extra: ["Ġ1", "23", "Ġ123", "ab"], merges: [("Ġ", "1"), ("2", "3"), ("Ġ1", "23"), ("a", "b")])
        let tok = try BPETokenizer(v)
        #expect(tok.encode(" 123 ab") == [258, 32, 259])
        let cut = try tok.removingMerges([.multiDigit])
        #expect(cut.vocabulary.merges.count == 2)           // "2 3" and "Ġ1 23" removed; "Ġ 1" stays
        #expect(cut.encode(" 123 ab") == [256, 50, 51, 32, 259])
        #expect(cut.vocabSize == tok.vocabSize)
    }

    @Test func singleBracketOnTheRealTokenizer() throws {
        let tok = try realTokenizer.get()
        #expect(tok.encode("]{ ).") == [36939, 15165])     // brackets merge in the stock tokenizer
        let cut = try tok.removingMerges([.singleBracket])
        #expect(cut.vocabulary.merges.count < tok.vocabulary.merges.count)
        let ids = ["]", "{", "Ġ", ")", "."].map { cut.id(of: $0)! }
        #expect(cut.encode("]{ ).") == ids)
        #expect(cut.encode("Hello world") == tok.encode("Hello world"))
        #expect(cut.decode(cut.encode("([{}]) ok")) == "([{}]) ok")
    }

    @Test func customPredicate() throws {
        let tok = try realTokenizer.get()
        let cut = try tok.removingMerges { $0.resultText == " the" }
        #expect(tok.encode(" the").count == 1)
        #expect(cut.encode(" the").count == 2)
    }
}
