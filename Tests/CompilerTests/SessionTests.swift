// EvalSession: the JSON line `compile-rasp eval` prints (input, output, rasp, unsupported,
// trace), with the program re-parsed from the model's stored source.
import Testing
@testable import Compiler
import JSONText
@testable import RASP

@Suite struct SessionTests {
    @Test func outputAndTrace() throws {
        let m = try compileFile("lib/reverse.rasp", vocab: ["a", "b", "c"], maxSeqLen: 4, causal: false)
        let s = try EvalSession(model: m)
        let line = try s.evaluate(["a", "b", "c"], trace: true)
        #expect(line["output"] == .array([.string("c"), .string("b"), .string("a")]))
        #expect(line["rasp"] == line["output"])
        let trace = try #require(line["trace"]?.arrayValue)
        #expect(trace.count == m.layers.count + 1)
        #expect(trace[0]["variables"]?["tokens"] == .array([.string("a"), .string("b"), .string("c")]))
        #expect(trace.last?["variables"]?["length_5"] == .array([.int(3), .int(3), .int(3)]))
        #expect(try CanonicalJSON.string(line, doubles: .keepingKind).hasPrefix("{\"input\":[\"a\",\"b\",\"c\"],\"output\":"))
    }

    @Test func unsupportedInputsAreMarked() throws {
        let m = try compileFile("count.rasp", vocab: ["yes", "no", "count"], maxSeqLen: 8, causal: true, exactness: 10000)
        let line = try EvalSession(model: m).evaluate(["count", "yes", "count"], trace: false)
        #expect(line["unsupported"]?.arrayValue?.isEmpty == false)
    }

    @Test func badInputsAreErrors() throws {
        let s = try EvalSession(model: try compileFile("lib/hist.rasp", vocab: ["a", "b"], maxSeqLen: 3, causal: false))
        #expect(throws: CompileError.self) { try s.evaluate(["a", "z"], trace: false) }
        #expect(throws: CompileError.self) { try s.evaluate(["a", "a", "a", "a"], trace: false) }
    }
}
