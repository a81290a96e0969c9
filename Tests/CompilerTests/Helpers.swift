// Shared helpers: locating stages/programs, compiling a program file, and checking a compiled
// model against the RASP evaluator on given inputs (exhaustive or random).
import Testing
import TestSupport
@testable import Compiler
@testable import RASP

#if canImport(Glibc)
import Glibc
#endif

func programPath(_ name: String) -> String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/stages/programs/" + name
}

func compileFile(_ name: String, vocab: [String], maxSeqLen: Int, causal: Bool, exactness: Double = 100) throws -> CompiledModel {
    try compile(source: readTextFile(programPath(name)), file: name, vocab: vocab, maxSeqLen: maxSeqLen, causal: causal, mlpExactness: exactness)
}

/// All inputs over `vocab` of length 1…maxLength.
func allInputs(_ vocab: [String], maxLength: Int) -> [[String]] {
    var out: [[String]] = []
    var layer: [[String]] = [[]]
    for _ in 1...maxLength {
        layer = layer.flatMap { p in vocab.map { p + [$0] } }
        out += layer
    }
    return out
}

func randomInputs(_ vocab: [String], count: Int, maxLength: Int, seed: UInt64) -> [[String]] {
    var state = seed
    func next() -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) >> 1)
    }
    return (0..<count).map { _ in (0..<(1 + next() % maxLength)).map { _ in vocab[next() % vocab.count] } }
}

func same(_ a: Value?, _ b: Value?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x?, let y?):
        if case .float = x, let p = x.number, let q = y.number { return abs(p - q) < 1e-3 }
        if case .float = y, let p = x.number, let q = y.number { return abs(p - q) < 1e-3 }
        return x == y
    default: return false
    }
}

/// Compiled output == RASP evaluator output on every input (inputs the evaluator marks as
/// outside tracr's compilable domain are skipped and counted). Returns (checked, skipped).
@discardableResult
func checkAgainstEvaluator(_ model: CompiledModel, _ inputs: [[String]], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (Int, Int) {
    let session = try EvalSession(model: model)
    var checked = 0, skipped = 0, failures = 0
    for tokens in inputs {
        let input = try session.values(tokens)
        let ev = try RASP.evaluate(session.program, input: input, causal: model.causal)
        if !ev.unsupported.isEmpty { skipped += 1; continue }
        let expected = ev.output(of: session.program)
        let got = try session.runner.run(input)
        checked += 1
        if !zip(expected, got).allSatisfy({ same($0, $1) }) {
            failures += 1
            if failures <= 3 {
                Issue.record("\(model.programFile) causal=\(model.causal) input \(tokens): compiled \(got.map { $0?.description ?? "None" }) vs RASP \(expected.map { $0?.description ?? "None" })", sourceLocation: sourceLocation)
            }
        }
    }
    #expect(failures == 0, sourceLocation: sourceLocation)
    return (checked, skipped)
}
