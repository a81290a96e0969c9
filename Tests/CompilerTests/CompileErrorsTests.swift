// Errors, not crashes: encoding mismatches, what tracr cannot compile, exploding value sets,
// bad settings, and type errors found during value-set inference.
import Testing
@testable import Compiler
@testable import RASP

func compileError(_ source: String, vocab: [String] = ["a", "b"], maxSeqLen: Int = 5) -> String {
    do {
        _ = try compile(source: source, file: "e.rasp", vocab: vocab, maxSeqLen: maxSeqLen)
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Suite struct CompileErrorsTests {
    @Test func encodingMismatches() {
        #expect(compileError("output numerical(Aggregate(Select(tokens, tokens, EQ), tokens, 0))").contains("a numerical Aggregate of the categorical s-op tokens"))
        #expect(compileError("n = numerical(Map(t -> 1, tokens))\noutput SequenceMap((x, y) -> x, n, tokens)").contains("(non-linear) SequenceMap needs categorical inputs"))
        #expect(compileError("n = numerical(Map(t -> 1, tokens))\noutput SelectorWidth(Select(n, tokens, EQ))").contains("Select keys (map_"))
        #expect(compileError("output LinearSequenceMap(tokens, indices, 1, 1)").contains("LinearSequenceMap needs numerical inputs"))
        #expect(compileError("output Aggregate(Select(tokens, tokens, EQ), tokens, \"a\")").contains("default must be None"))
    }

    @Test func tracrLimits() {
        #expect(compileError("output Full(1)").contains("tracr cannot compile Full"))
        #expect(compileError("output Map(i -> i, indices)").contains("does not use tokens"))
        #expect(compileError("n = numerical(Map(t -> 3, tokens))\noutput numerical(Aggregate(Select(tokens, tokens, EQ), n, 0))").contains("can only average 0/1 values"))
    }

    @Test func explodingValueSets() {
        let e = compileError("x = SequenceMap((a, b) -> a * 1000 + b, indices, indices)\ny = SequenceMap((a, b) -> a * 1000000 + b, x, indices)\noutput SequenceMap((a, b) -> a, y, tokens)", maxSeqLen: 100)
        #expect(e.contains("more than the limit"))
        #expect(e.contains("sequence_map_"))
    }

    /// Issue 16 #1: every value of the Map raises, so `x` has no value at all; this used to end in
    /// SIGILL (a force unwrap while assembling the model).
    @Test func anSOpWithNoValueIsAnError() {
        let e = compileError("output Map(t -> 1 // 0, tokens).named(\"x\")")
        #expect(e.hasPrefix("x") && e.contains("(Map) can take no value"), "\(e)")
        let f = compileError("y = Map(t -> 1 // 0, tokens).named(\"y\")\noutput SequenceMap((a, b) -> a, y, tokens)")
        #expect(f.hasPrefix("y") && f.contains("(Map) can take no value"), "\(f)")
    }

    @Test func badSettings() {
        #expect(compileError("output tokens", vocab: ["a", "bos"]).contains("must differ"))
        #expect(compileError("output tokens", vocab: ["a", "a"]).contains("repeats"))
        #expect(compileError("output tokens", maxSeqLen: 0).contains("at least 1"))
        // issue 16 #3: refused up front instead of allocating until the process is killed
        #expect(compileError("output tokens", maxSeqLen: 1_000_000_000).contains("max_seq_len 1000000000 is above the limit of 10000"))
    }

    @Test func typeErrorsDuringInference() {
        #expect(compileError("output Map(t -> int(t), tokens)").contains("int() of 'a'"))
        #expect(compileError("output SelectorWidth(Select(tokens, indices, LT))").contains("'<' not supported"))
    }
}

@Suite struct VocabularyTests {
    @Test func splitting() throws {
        #expect(try splitVocabulary("a,b, ,compute") == ["a", "b", " ", "compute"])
        #expect(try splitVocabulary("a,\\,,b") == ["a", ",", "b"])
        #expect(try splitVocabulary("\\\\,x") == ["\\", "x"])
        #expect(throws: CompileError.self) { try splitVocabulary("a,,b") }
        #expect(throws: CompileError.self) { try splitVocabulary("a\\") }
    }
}
