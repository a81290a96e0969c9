// Property test: mutations of the real programs that still parse are compiled or refused with an
// error (never a crash), and every one that compiles agrees with the RASP evaluator.
import Testing
import TestSupport
@testable import Compiler
@testable import RASP

@Suite struct CompileFuzzTests {
    @Test func mutatedProgramsCompileOrFail() throws {
        let sources = try ["shuffle_dyck.rasp", "count.rasp", "int_sum.rasp", "lib/sort_freq.rasp", "lib/shuffle_dyck2.rasp", "lib/reverse.rasp"]
            .map { try readTextFile(programPath($0)) }
        var rng = SplitMix64(seed: 99)
        func below(_ n: Int) -> Int { rng.below(n) }
        let pieces = ["0", "1", "-1", "2", "True", "None", "\"a\"", "x", "tokens", "indices", "+", "*", "//", "%", "<", "==", "not ", "LT", "TRUE", "EQ"]
        var compiled = 0, attempts = 0, checked = 0
        for i in 0..<400 {
            var chars = Array(sources[i % sources.count])
            // Replace one short identifier-or-literal run with another piece.
            let at = below(chars.count)
            var end = at
            while end < chars.count && (chars[end].isLetter || chars[end].isNumber || chars[end] == "_") && end - at < 12 { end += 1 }
            chars.replaceSubrange(at..<max(at, end), with: Array(pieces[below(pieces.count)]))
            let text = String(chars)
            guard (try? parseProgram(source: text, file: "m.rasp", vocab: ["(", ")", "yes", "count", "1", "+", "="], maxSeqLen: 6)) != nil else { continue }
            attempts += 1
            let m: CompiledModel
            do {
                m = try compile(source: text, file: "m.rasp", vocab: ["(", ")", "yes", "count", "1", "+", "="], maxSeqLen: 6, causal: i % 2 == 0)
            } catch {
                #expect(!"\(error)".isEmpty)
                continue
            }
            // What compiles computes what the program says: the compiled model's output equals the
            // RASP evaluator's on every input (outside tracr's compilable domain: skipped, counted).
            let (c, _) = try checkAgainstEvaluator(m, [["(", "yes", ")"], ["1", "+", "1", "=", "count"], ["count", "(", ")", "yes", "1", "="]])
            compiled += 1
            checked += c
        }
        #expect(attempts > 50)
        #expect(compiled > 10 && checked > 10, "\(compiled) mutants compiled, \(checked) inputs checked against the evaluator")
    }
}
