// Seeded mutation fuzzing of the GGUF reader (issue 16): every truncation of a tiny valid Llama
// GGUF, random byte damage, and hostile counts and lengths (tensor count, metadata count, the first
// key's length, a tensor's dimensions and offset) up to 2^64 − 1. Each variant must end in a
// GGUFError that names the file, or in a file whose every tensor reads back; never a trap, and no
// count from the file may size an allocation before it is checked against the file's length.
import Foundation
import Testing
@testable import LM
import TestSupport

@Suite struct GGUFFuzzTests {
    /// Parses the bytes as a file; true if it parsed and every tensor read back, false for a clear error.
    func outcome(_ bytes: [UInt8], dir: String) -> Bool {
        let path = dir + "/fuzz.gguf"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let g = try GGUFFile(path: path)
            for t in g.tensors { #expect(try g.floats(t).count == t.count) }
            return true
        } catch {
            #expect("\(error)".contains(path), "an error that does not name the file: \(error)")
            return false
        }
    }

    func small() -> [UInt8] { tinyLlamaGGUF(layers: 1, width: 4, heads: 2, kvHeads: 1, ff: 4, vocab: 3).bytes() }

    @Test func everyTruncationIsAClearError() throws {
        let dir = try makeTemporaryDirectory("gguf-fuzz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = small()
        #expect(outcome(bytes, dir: dir))
        // Cuts inside the header and tensor table, then a sample through the data section.
        for cut in Array(0..<min(bytes.count, 1200)) + Array(stride(from: 1200, to: bytes.count, by: 97)) {
            #expect(!outcome(Array(bytes[..<cut]), dir: dir), "cut at \(cut) of \(bytes.count) parsed")
        }
    }

    @Test func randomByteDamageNeverTraps() throws {
        let dir = try makeTemporaryDirectory("gguf-fuzz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = small()
        var rng = SplitMix64(seed: 16)
        var parsed = 0, refused = 0
        for _ in 0..<1500 {
            var b = bytes
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(min(b.count, 1200))          // the header and tensor table
                switch rng.below(3) {
                case 0: b[at] ^= UInt8(1 << rng.below(8))
                case 1: b[at] = UInt8(rng.below(256))
                default: for i in at..<min(b.count, at + 8) { b[i] = 0xff }
                }
            }
            if outcome(b, dir: dir) { parsed += 1 } else { refused += 1 }
        }
        #expect(refused > 0, "parsed \(parsed), refused \(refused)")
    }

    @Test func hostileCountsAreRefusedBeforeAllocating() throws {
        let dir = try makeTemporaryDirectory("gguf-fuzz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = small()
        func put(_ v: UInt64, at offset: Int, in b: inout [UInt8]) {
            for i in 0..<8 { b[offset + i] = UInt8((v >> (8 * UInt64(i))) & 0xff) }
        }
        // magic 4, version 4, tensor count 8 @ 8, metadata count 8 @ 16, first key length 8 @ 24
        let hostile: [UInt64] = [UInt64(Int.max), UInt64(Int.max) + 1, .max, 1 << 62, 1 << 40, 100_000]
        for offset in [8, 16, 24] {
            for v in hostile {
                var b = bytes
                put(v, at: offset, in: &b)
                #expect(!outcome(b, dir: dir), "count \(v) at byte \(offset) parsed")
            }
        }
        // The first tensor's first dimension and its offset, found after its name in the table.
        let name = Array("token_embd.weight".utf8)
        let at = try #require((0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
        let dims = at + name.count + 4                      // after the u32 number of dimensions
        for v in hostile {
            var b = bytes
            put(v, at: dims, in: &b)
            #expect(!outcome(b, dir: dir), "dimension \(v) parsed")
            var c = bytes
            put(v, at: dims + 16 + 4, in: &c)                 // two u64 dims, the u32 type, then the offset
            #expect(!outcome(c, dir: dir), "offset \(v) parsed")
        }
    }
}
