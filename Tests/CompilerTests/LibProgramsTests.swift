// tracr's lib programs compiled causal and non-causal on small vocabularies: compiled output
// == RASP evaluator output on every input up to length 5 and on 1,000 random inputs up to
// max_seq_len. The fraction-based Dyck programs need mlp_exactness 10000 (their balances
// differ by less than 1/100, below what the default discretisation separates); sort_freq feeds
// a SelectorWidth into further arithmetic, exact at the default slope for widths ≤ 6 only.
import Testing
@testable import Compiler
@testable import RASP

struct LibCase: Sendable, CustomTestStringConvertible {
    var name: String
    var vocab: [String]
    var maxSeqLen = 8
    var exactness: Double = 100
    var testDescription: String { name }
}

let libCases: [LibCase] = [
    LibCase(name: "length", vocab: ["a", "b", "c"]),
    LibCase(name: "reverse", vocab: ["a", "b", "c"]),
    LibCase(name: "hist", vocab: ["a", "b", "c"]),
    LibCase(name: "sort_unique", vocab: ["1", "2", "3", "4"]),
    LibCase(name: "sort", vocab: ["1", "2", "3"]),
    LibCase(name: "sort_freq", vocab: ["a", "b", "c"], maxSeqLen: 6),
    LibCase(name: "frac_prevs", vocab: ["a", "b", "c"]),
    LibCase(name: "pair_balance", vocab: ["(", ")", "a"]),
    LibCase(name: "shuffle_dyck", vocab: ["(", ")", "{", "}", "[", "]"], maxSeqLen: 6, exactness: 10000),
    LibCase(name: "shuffle_dyck2", vocab: ["(", ")", "{", "}"], exactness: 10000),
    LibCase(name: "shift_by", vocab: ["a", "b", "c"]),
]

@Suite struct LibProgramsTests {
    @Test(arguments: libCases, [false, true])
    func compiledMatchesEvaluator(_ c: LibCase, causal: Bool) throws {
        let m = try compileFile("lib/\(c.name).rasp", vocab: c.vocab, maxSeqLen: c.maxSeqLen, causal: causal, exactness: c.exactness)
        let exhaustive = allInputs(c.vocab, maxLength: min(5, c.maxSeqLen))
        let random = randomInputs(c.vocab, count: 1000, maxLength: c.maxSeqLen, seed: 42)
        let (checked, _) = try checkAgainstEvaluator(m, exhaustive + random)
        #expect(checked > (exhaustive.count + random.count) / 2)
    }

    @Test func knownOutputs() throws {
        let sort = try EvalSession(model: try compileFile("lib/sort.rasp", vocab: ["1", "2", "3", "4"], maxSeqLen: 5, causal: false))
        #expect(try sort.runner.run(try sort.values(["2", "4", "1", "2"])) == [.int(1), .int(2), .int(2), .int(4)])
        let rev = try EvalSession(model: try compileFile("lib/reverse.rasp", vocab: ["a", "b", "c"], maxSeqLen: 5, causal: false))
        #expect(try rev.runner.run(try rev.values(["a", "b", "c"])) == [.string("c"), .string("b"), .string("a")])
        let dyck = try EvalSession(model: try compileFile("lib/shuffle_dyck2.rasp", vocab: ["(", ")", "{", "}"], maxSeqLen: 6, causal: false, exactness: 10000))
        #expect(try dyck.runner.run(try dyck.values(["(", "{", ")", "}"])) == Array(repeating: .bool(true), count: 4))
        #expect(try dyck.runner.run(try dyck.values(["(", "}", "{", ")"])).allSatisfy { $0 == .bool(false) })
    }
}
