// Seeded mutation fuzzing of the JSON parser (issue 16): random byte damage to a document that
// exercises every construct (nested objects and arrays, escapes, surrogate pairs, numbers at the
// edges of Int64 and Double), every truncation, and nesting far past the parser's limit. Each
// variant parses or ends in a JSONParseError with a line:column inside the text; never a trap. A
// document that parses again after damage must re-encode canonically without a trap too.
import Testing
@testable import JSONText
import TestSupport

@Suite struct ParserFuzzTests {
    let document = #"""
    {"format": "graft-fuzz", "version": 1, "nested": {"a": [1, -2, 3.5e-3, 1e308, -0.0, 9223372036854775807,
     -9223372036854775808, 18446744073709551616], "b": {"c": [[], {}, [[null]], true, false]}},
     "text": "tab\t quote\" slash\\ \u00e9 \ud83d\ude00 \/", "empty": "", "deep": [[[[[[[[1]]]]]]]]}
    """#

    /// Parses; true if it parsed. An error must point inside the text (line ≥ 1, column ≥ 1).
    func outcome(_ bytes: [UInt8]) -> Bool {
        do {
            let v = try parseJSON(bytes: bytes)
            _ = try? CanonicalJSON.encode(v)             // may refuse (e.g. a NaN-free rule), never trap
            return true
        } catch {
            #expect(error.position.line >= 1 && error.position.column >= 1, "\(error)")
            return false
        }
    }

    @Test func damagedDocumentsNeverTrap() {
        let bytes = Array(document.utf8)
        #expect(outcome(bytes))
        var rng = SplitMix64(seed: 16)
        var refused = 0
        let alphabet = Array(#"{}[]",:\"u0123456789eE+-.tfn \#t\#n"#.utf8) + [0x00, 0x80, 0xc3, 0xed, 0xff]
        for _ in 0..<5000 {
            var b = bytes
            for _ in 0..<(1 + rng.below(4)) {
                let at = rng.below(b.count)
                switch rng.below(4) {
                case 0: b[at] = alphabet[rng.below(alphabet.count)]             // a structural byte
                case 1: b[at] = UInt8(rng.below(256))                          // any byte
                case 2: b.remove(at: at)
                default: b.insert(alphabet[rng.below(alphabet.count)], at: at)
                }
            }
            if !outcome(b) { refused += 1 }
        }
        #expect(refused > 1000)
        for cut in 0..<bytes.count { _ = outcome(Array(bytes[..<cut])) }
    }

    @Test func nestingFarPastTheLimitIsAnError() {
        for opener in ["[", "{\"k\":"] {
            let text = String(repeating: opener, count: 100_000)
            #expect { try parseJSON(text) } throws: { "\($0)".contains("nesting deeper than 512") }
        }
    }
}
