// The paper's three programs at their real settings (METHOD §1.1): tracr's exact residual
// widths, layer counts, key sizes and largest MLPs; compiled output == causal RASP evaluator on
// random in-domain inputs (fewer for count, whose model is large), and exhaustively up to
// length 5 on small sub-vocabularies at the real max_seq_len.
import Testing
@testable import Compiler
@testable import RASP

let dyckVocab = ["(", ")", "[", "]", "{", "}", " ", "compute"]
let sumVocab = (0..<10).map(String.init) + ["+", "=", " "]
let countVocab = (0..<120).map(String.init) + ["yes", "no", "count"]

@Suite(.serialized) struct PaperProgramsTests {
    @Test func shuffleDyck() throws {
        let m = try compileFile("shuffle_dyck.rasp", vocab: dyckVocab, maxSeqLen: 40, causal: true)
        #expect(m.width == 684)
        #expect(m.layers.count == 7)
        #expect(m.keySize == 82)
        #expect(m.layers.map(\.mlpHidden).max() == 6805)
        #expect(m.layers.map(\.heads.count).max() == 6)
        #expect(m.variables.count == 30)
        #expect(m.output.dims.count == 2)
        // Random bracket strings ending in "compute", lengths up to 40.
        let brackets = ["(", ")", "[", "]", "{", "}"]
        let inputs = randomInputs(brackets, count: 300, maxLength: 39, seed: 11).map { $0 + ["compute"] }
        try checkAgainstEvaluator(m, inputs)
    }

    @Test func shuffleDyckExhaustiveSmallVocab() throws {
        let m = try compileFile("shuffle_dyck.rasp", vocab: ["(", ")", "{", "compute"], maxSeqLen: 40, causal: true)
        let (checked, _) = try checkAgainstEvaluator(m, allInputs(["(", ")", "{", "compute"], maxLength: 5))
        #expect(checked == 1364)
    }

    @Test func intSum() throws {
        let m = try compileFile("int_sum.rasp", vocab: sumVocab, maxSeqLen: 16, causal: true)
        #expect(m.width == 660)
        #expect(m.layers.count == 21)
        #expect(m.keySize == 18)
        #expect(m.layers.map(\.mlpHidden).max() == 768)
        #expect(m.variables.count == 71)
        // Well-formed "a+b=" followed by the sum's digits, operands below 1000.
        var inputs: [[String]] = []
        var state: UInt64 = 5
        for _ in 0..<300 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let a = Int((state >> 33) % 1000)
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let b = Int((state >> 33) % 1000)
            inputs.append((String(a) + "+" + String(b) + "=" + String(a + b)).map(String.init))
        }
        try checkAgainstEvaluator(m, inputs)
        let model = try EvalSession(model: m)
        #expect(try model.runner.run(try model.values("213+391=604".map(String.init))).suffix(4) == [.int(6), .int(0), .int(4), .int(0)])
    }

    @Test func intSumExhaustiveSmallVocab() throws {
        let m = try compileFile("int_sum.rasp", vocab: ["1", "9", "+", "="], maxSeqLen: 16, causal: true)
        let (checked, skipped) = try checkAgainstEvaluator(m, allInputs(["1", "9", "+", "="], maxLength: 5))
        let total = checked + skipped
        #expect(total == 1364)
        #expect(checked > 1000)
    }

    @Test func count() throws {
        let m = try compileFile("count.rasp", vocab: countVocab, maxSeqLen: 120, causal: true, exactness: 10000)
        #expect(m.width == 948)
        #expect(m.layers.count == 13)
        #expect(m.keySize == 124)
        #expect(m.layers.map(\.mlpHidden).max() == 43200)
        #expect(m.variables.count == 31)
        // 40 random yes/no strings (lengths up to 118) with one "count" token and digits after it.
        var inputs = randomInputs(["yes", "no"], count: 40, maxLength: 116, seed: 3).map { $0 + ["count", "1", "2"] }
        inputs.append(Array(repeating: "yes", count: 117) + ["count", "1", "1"])
        try checkAgainstEvaluator(m, inputs)
    }

    @Test func countExhaustiveSmallVocab() throws {
        let m = try compileFile("count.rasp", vocab: ["yes", "no", "count"], maxSeqLen: 120, causal: true, exactness: 10000)
        let (checked, skipped) = try checkAgainstEvaluator(m, allInputs(["yes", "no", "count"], maxLength: 5))
        let total = checked + skipped
        #expect(total == 363)
        #expect(checked > 250)
    }
}
