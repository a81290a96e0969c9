// The one escaping rule: quotes, backslash and control characters escaped, everything else
// (non-ASCII included) kept as is, and the byte and String forms giving the same text.
import Testing
@testable import JSONText

@Suite struct EscapingTests {
    @Test func escapesWhatJSONRequires() {
        #expect(jsonString("a\"b\\c\nd\u{01}é") == #""a\"b\\c\nd\u0001é""#)
        #expect(jsonString("\u{8}\u{c}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(jsonString("\u{0}\u{1f}\u{1b}") == #""\u0000\u001f\u001b""#)
        #expect(jsonString("") == #""""#)
    }

    @Test func keepsEverythingElse() {
        // DEL, the solidus, non-ASCII and astral characters pass through as their UTF-8 bytes.
        let s = "/ \u{7f} é ü 中 😀 \u{2028}"
        #expect(jsonString(s) == "\"" + s + "\"")
    }

    @Test func byteAndStringFormsAgree() {
        var all = ""
        for v in 0..<0x80 { all.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        for s in [all, "plain", "q\"\\", "é😀\u{1}", ""] {
            var bytes: [UInt8] = [0x2A]
            appendJSONString(s, to: &bytes)
            var text = "*"
            appendJSONString(s, to: &text)
            #expect(bytes == Array(text.utf8))
            #expect(text == "*" + jsonString(s))
        }
    }

    @Test func parserReadsBackEveryEscape() throws {
        var all = ""
        for v in 0..<0x80 { all.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        all += "é😀"
        #expect(try parseJSON(jsonString(all)) == .string(all))
    }
}
