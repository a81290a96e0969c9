// Seeded mutation fuzzing of the safetensors reader (issue 16): every truncation of a valid file,
// random byte flips and byte runs in its header and data, and every number of its header replaced
// by hostile values (negative, 2^62, 2^63 − 1, 2^64, fractions, exponents). Each variant must end
// either in a SafeTensorsError that names the file or in a bundle whose every tensor reads back —
// never a trap — and the hostile shapes (up to 2^63 elements) must be refused before anything of
// their size is allocated (a trap or an allocation that large would end the test process).
import Testing
@testable import SafeTensors
import TestSupport

@Suite struct SafeTensorsFuzzTests {
    func valid() throws -> [UInt8] {
        var w = SafeTensorsWriter(metadata: ["format": "fuzz", "version": "1"])
        try w.add("w", shape: [2, 3], floats: [1, -2, 3.5, 0, .pi, -0.0])
        try w.add("ids", shape: [4], ints: [7, -1, 0, 2_000_000_000])
        try w.add("h", dtype: .bf16, shape: [3], bytes: [0, 0x3f, 0, 0x40, 0x80, 0xbf])
        try w.add("empty", dtype: .f32, shape: [0, 5], bytes: [])
        return w.encode()
    }

    /// Parses `bytes`; true if it parsed and every tensor read back, false for a clear error.
    func outcome(_ bytes: [UInt8]) -> Bool {
        do {
            let b = try SafeTensorsBundle(bytes: bytes, source: "fuzz.safetensors")
            for t in b.tensors {
                #expect(try b.bytes(t.name).count == t.count * t.dtype.byteSize)
                if [.f32, .f64, .f16, .bf16].contains(t.dtype) { #expect(try b.floats(t.name).count == t.count) }
            }
            return true
        } catch {
            #expect("\(error)".hasPrefix("fuzz.safetensors: safetensors: "), "an error that does not name the file: \(error)")
            return false
        }
    }

    @Test func everyTruncationIsAClearError() throws {
        let bytes = try valid()
        #expect(outcome(bytes))
        for cut in 0..<bytes.count { #expect(!outcome(Array(bytes[..<cut])), "cut at \(cut) parsed") }
    }

    @Test func randomByteDamageNeverTraps() throws {
        let bytes = try valid()
        var rng = SplitMix64(seed: 16)
        var parsed = 0, refused = 0
        for _ in 0..<3000 {
            var b = bytes
            for _ in 0..<(1 + rng.below(4)) {
                let at = rng.below(b.count)
                switch rng.below(3) {
                case 0: b[at] ^= UInt8(1 << rng.below(8))                  // one bit
                case 1: b[at] = UInt8(rng.below(256))                       // one byte
                default: for i in at..<min(b.count, at + 8) { b[i] = 0xff }  // a run, e.g. over the length
                }
            }
            if outcome(b) { parsed += 1 } else { refused += 1 }
        }
        // Damage to data bytes leaves a valid file; damage to the header mostly does not.
        #expect(parsed > 0 && refused > 0, "parsed \(parsed), refused \(refused)")
    }

    @Test func hostileNumbersInTheHeaderAreRefusedBeforeAllocating() throws {
        let bytes = try valid()
        var length = 0
        for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
        let header = Array(String(decoding: bytes[8..<(8 + length)], as: UTF8.self))
        let data = Array(bytes[(8 + length)...])
        // Every maximal run of digits in the header, replaced by each hostile value in turn.
        var runs: [Range<Int>] = []
        var i = 0
        while i < header.count {
            if header[i].isNumber {
                var j = i
                while j < header.count && header[j].isNumber { j += 1 }
                runs.append(i..<j); i = j
            } else { i += 1 }
        }
        #expect(runs.count >= 12, "shapes and offsets of four tensors")
        let hostile = ["-1", "4611686018427387904", "9223372036854775807", "18446744073709551616", "2.5", "1e30", "0", "99999999999"]
        var refused = 0
        for run in runs {
            for value in hostile {
                let text = String(header[..<run.lowerBound]) + value + String(header[run.upperBound...])
                var h = Array(text.utf8)
                while h.count % 8 != 0 { h.append(32) }
                var n = UInt64(h.count), file: [UInt8] = []
                for _ in 0..<8 { file.append(UInt8(n & 0xff)); n >>= 8 }
                if !outcome(file + h + data) { refused += 1 }
            }
        }
        #expect(refused >= runs.count * (hostile.count - 2), "most hostile values must be refused (\(refused))")
    }
}
