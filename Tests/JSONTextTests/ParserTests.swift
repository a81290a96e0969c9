// The JSON parser: values, exact integers, positions of values, and syntax errors with line and column.
import Testing
@testable import JSONText

@Suite struct ParserTests {
    @Test func parsesValues() throws {
        let v = try parseJSON(#"{"a": [1, -2.5, true, null, "x\n\u00e9\ud83d\ude00"], "seed": 18446744073709551, "e": 1e3}"#)
        #expect(v["a"] == .array([.int(1), .double(-2.5), .bool(true), .null, .string("x\né😀")]))
        #expect(v["seed"] == .int(18446744073709551))
        #expect(v["e"] == .double(1000))
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"a\": 1,\n  \"b\": ,\n}", 3, 8, "expected a value"),
            ("{\"a\": 1,}", 1, 9, "expected a quoted key"),
            ("[1, 2", 1, 6, "unterminated array"),
            ("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'"),
            ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key"),
            ("\"abc", 1, 1, "unterminated string"),
            ("01", 1, 1, "leading zero"),
            ("{} x", 1, 4, "after the end"),
        ]
        for (text, line, column, message) in cases {
            do {
                _ = try parseJSON(text)
                Issue.record("no error for \(text)")
            } catch {
                #expect(error.position == TextPosition(line: line, column: column), "\(text): \(error)")
                #expect(error.message.contains(message), "\(text): \(error)")
            }
        }
    }

    @Test func recordsPositionsOfValues() throws {
        let doc = try parseJSONDocument("{\n  \"stages\": {\n    \"a/b\": {\"x\": [1, 2]}\n  }\n}")
        #expect(doc.position(["stages", "a/b"]) == TextPosition(line: 3, column: 12))
        #expect(doc.position(["stages", "a/b", "x", "1"]) == TextPosition(line: 3, column: 22))
        #expect(JSONDocument.path(["a\\b/c", "d"]) == "a\\\\b\\/c/d")
    }

    @Test func roundTripsThroughTheEncoder() throws {
        let v: JSONValue = ["s": "tab\t quote\" back\\ nul\u{0} bell\u{7} é 😀", "n": [0, -1, 9223372036854775807, 0.25, -1e-300],
                            "nested": [["k": [true, false, nil]], [:], []]]
        #expect(try parseJSON(CanonicalJSON.string(v)) == v)
        #expect(try parseJSON(bytes: CanonicalJSON.encode(v)) == v)
    }

    @Test func controlCharactersMustBeEscaped() throws {
        #expect(throws: JSONParseError.self) { try parseJSON("\"a\u{1}b\"") }
        #expect(try parseJSON(#""a\u0001b""#) == .string("a\u{1}b"))
    }
}
