// Property test: the parser and interpreter never crash or hang on random bytes or on random
// mutations of the real programs; every failure is a located RASPError.
import Testing
import TestSupport
@testable import RASP

func programsDirectory() -> String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/stages/programs"
}

#if canImport(Glibc)
import Glibc
#endif

/// Parses and runs; returns true when it succeeded, false on a RASPError. Anything else fails.
func tryProgram(_ source: String) -> Bool {
    do {
        _ = try parseProgram(source: source, file: "fuzz.rasp", vocab: ["(", ")", "a", "1"], maxSeqLen: 6)
        return true
    } catch {
        #expect(error.description.hasPrefix("fuzz.rasp"))
        return false
    }
}

@Suite struct ParserFuzzTests {
    static let sources = ["shuffle_dyck.rasp", "count.rasp", "int_sum.rasp", "lib/sort.rasp", "lib/shuffle_dyck.rasp"]
        .map { (try? readTextFile(programsDirectory() + "/" + $0)) ?? "" }

    @Test func realProgramsAreFound() throws {
        for name in ["shuffle_dyck.rasp", "count.rasp", "int_sum.rasp", "lib/sort.rasp", "lib/shuffle_dyck.rasp"] {
            #expect(!(try readTextFile(programsDirectory() + "/" + name)).isEmpty)
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 1)
        let alphabet = Array("abcxyz_019 \n\t()[]{},:;=<>+-*/%&|~.#\"'->ifthenelseoutputdefforinSelectMapTRUE")
        for _ in 0..<2000 {
            let n = rng.below(80)
            var s = ""
            for _ in 0..<n {
                if rng.below(10) == 0 { s.unicodeScalars.append(Unicode.Scalar(UInt8(rng.below(256)))) } else { s.append(alphabet[rng.below(alphabet.count)]) }
            }
            _ = tryProgram(s)
        }
    }

    @Test func mutatedPrograms() {
        var rng = SplitMix64(seed: 2)
        var succeeded = 0
        let tokens = ["(", ")", "{", "}", "[", "]", ",", "=", "->", "if", "then", "else", "tokens", "for", "def", "\"", "\n", "0", "named", "."]
        for i in 0..<300 {
            var chars = Array(ParserFuzzTests.sources[i % ParserFuzzTests.sources.count])
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(chars.count)
                switch rng.below(3) {
                case 0: chars.remove(at: at)
                case 1: chars.insert(contentsOf: tokens[rng.below(tokens.count)], at: at)
                default: chars[at] = Array("x(){}=,\"")[rng.below(8)]
                }
            }
            if tryProgram(String(chars)) { succeeded += 1 }
        }
        #expect(succeeded < 300)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        #expect(!tryProgram("output " + String(repeating: "(", count: 5000) + "tokens" + String(repeating: ")", count: 5000)))
        #expect(!tryProgram("x = " + String(repeating: "-", count: 5000) + "1\noutput tokens"))
        #expect(!tryProgram("x = 1" + String(repeating: " + 1", count: 100_000) + "\noutput tokens"))
        #expect(!tryProgram("x = tokens" + String(repeating: ".named(\"a\")", count: 100_000) + "\noutput x"))
        #expect(tryProgram("x = 1" + String(repeating: " + 1", count: 300) + "\noutput tokens"))
    }

    @Test func hugeLoopsStop() {
        #expect(!tryProgram("xs = range(-9000000000000000000, 9000000000000000000)\noutput tokens"))
        #expect(!tryProgram("xs = []\nfor i in range(100000) { for j in range(100000) { xs = xs } }\noutput tokens"))
    }
}
