// The .rasp parser and interpreter: valid constructs, and errors located at file:line:col
// saying what was expected.
import Testing
@testable import RASP

func parseError(_ source: String) -> String {
    do {
        _ = try parseProgram(source: source, file: "p.rasp", vocab: ["a", "b"], maxSeqLen: 5)
        return "no error"
    } catch {
        return error.description
    }
}

@Suite struct ParserTests {
    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(parseError("x = Map(t -> t,\n  tokens") == "p.rasp:2:9: error: expected ',' or ')' in the argument list, found end of file")
        #expect(parseError("x = = 3").hasPrefix("p.rasp:1:5: error: expected an expression, found '='"))
        #expect(parseError("output tokens\n$").hasPrefix("p.rasp:2:1: error: unexpected character"))
        #expect(parseError("x = \"abc").hasPrefix("p.rasp:1:5: error: unterminated string"))
        #expect(parseError("for x in [1] {\n output tokens\n").contains("'}' to close the block"))
    }

    @Test func unknownNamesAndMisuse() {
        #expect(parseError("output Map(t -> t, tokenz)") == "p.rasp:1:20: error: unknown name 'tokenz'")
        #expect(parseError("output Map(tokens, tokens)").contains("the function of Map must be a lambda"))
        #expect(parseError("tokens = 3\noutput tokens").contains("'tokens' is a built-in name"))
        #expect(parseError("x = tokens").contains("no 'output SOP' statement"))
        #expect(parseError("output tokens and tokens").contains("for s-ops use '&'"))
        #expect(parseError("output Select(tokens, tokens, EQ)").contains("'output' needs an s-op"))
    }

    @Test func functionsLoopsAndNames() throws {
        let src = """
        # comment
        def twice(s) = s + s
        def shifted(k, s) {
            sel = Select(indices, indices, (key, query) -> query == key + k)
            return Aggregate(sel, s).named("shift_" + str(k))
        }
        xs = []
        for (i, name) in [(1, "one"), (2, "two")] { xs = xs + [shifted(i, tokens).named(name)] }
        output twice(xs[1])
        """
        let p = try parseProgram(source: src, file: "p.rasp", vocab: ["a"], maxSeqLen: 5)
        let labels = p.program.labels()
        #expect(labels[p.program.output] == "sequence_map_1")
        #expect(labels.values.contains("two_2"))
    }

    @Test func tokenTypeInt() throws {
        let p = try parseProgram(source: "token_type int\noutput tokens + 1", file: "p", vocab: ["1", "2"], maxSeqLen: 3)
        #expect(p.tokenType == "int")
        #expect(parseError("token_type int\noutput tokens").contains("vocabulary item 'a' is not an integer"))
    }
}
