// Property test: the parser and interpreter never crash or hang on random bytes or on random
// mutations of the real programs; every failure is a located RASPError.
import Testing
@testable import RASP

struct FuzzRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

func programsDirectory() -> String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/stages/programs"
}

func readText(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
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
        .compactMap { readText(programsDirectory() + "/" + $0) }

    @Test func realProgramsAreFound() { #expect(ParserFuzzTests.sources.count == 5) }

    @Test func randomBytes() {
        var rng = FuzzRNG(state: 1)
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
        var rng = FuzzRNG(state: 2)
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
