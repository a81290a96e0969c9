// The reference evaluator on small programs written in .rasp: non-causal and causal
// selection, None propagation, numerical means, and unsupported categorical averaging.
import Testing
@testable import RASP

func run(_ source: String, _ input: [String], causal: Bool = false, vocab: [String] = ["a", "b", "c"], maxSeqLen: Int = 8) throws -> [Value?] {
    let p = try parseProgram(source: source, file: "test.rasp", vocab: vocab, maxSeqLen: maxSeqLen)
    let xs = try vocabValues(input, tokenType: p.tokenType)
    return try evaluate(p.program, input: xs, causal: causal).output(of: p.program)
}

@Suite struct EvaluatorTests {
    let length = "output SelectorWidth(Select(tokens, tokens, TRUE))"

    @Test func lengthNonCausalAndCausal() throws {
        #expect(try run(length, ["a", "b", "c"]) == [.int(3), .int(3), .int(3)])
        #expect(try run(length, ["a", "b", "c"], causal: true) == [.int(1), .int(2), .int(3)])
    }

    @Test func shiftPadsWithNone() throws {
        let src = "output Aggregate(Select(indices, indices, (k, q) -> q == k + 1), tokens)"
        #expect(try run(src, ["a", "b", "c"]) == [nil, .string("a"), .string("b")])
    }

    @Test func numericalMean() throws {
        let src = "output numerical(Aggregate(Select(indices, indices, LEQ), numerical(tokens == \"a\"), 0))"
        let out = try run(src, ["a", "b", "a", "b"])
        #expect(out.map { $0?.number } == [1, 0.5, 2.0 / 3, 0.5])
    }

    @Test func mapsAndSequenceMaps() throws {
        let src = """
        n = Map(t -> if t == "a" then 1 else 2, tokens)
        output SequenceMap((x, i) -> x * 10 + i, n, indices)
        """
        #expect(try run(src, ["a", "b"]) == [.int(10), .int(21)])
    }

    @Test func membershipMinMaxDivision() throws {
        let src = "output Map(i -> if i in {0, 2} then max(i, 7) // 2 else min(i, -1) % 3, indices)"
        #expect(try run(src, ["a", "a", "a"]) == [.int(3), .int(2), .int(3)])
    }

    @Test func averagingDifferentCategoricalValuesIsReported() throws {
        let p = try parseProgram(source: "output Aggregate(Select(tokens, tokens, TRUE), indices)", file: "t", vocab: ["a"], maxSeqLen: 4)
        let ev = try evaluate(p.program, input: [.string("a"), .string("a")])
        #expect(ev.output(of: p.program) == [nil, nil])
        #expect(ev.unsupported.count == 2)
    }

    @Test func typeErrorsAreErrors() throws {
        #expect(throws: EvaluationError.self) { try run("output Map(t -> t + 1, tokens)", ["a"]) }
    }
}
