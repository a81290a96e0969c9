// Round trips, canonical bytes and every malformed-file error of the safetensors codec.
import Testing
@testable import SafeTensors

@Suite struct SafeTensorsTests {
    func sample() throws -> SafeTensorsWriter {
        var w = SafeTensorsWriter(metadata: ["format": "test", "version": "1"])
        try w.add("b.weight", shape: [2, 3], floats: [1, -2, 3.5, 0, .pi, -0.0])
        try w.add("a.ids", shape: [4], ints: [7, -1, 0, 2_000_000_000])
        return w
    }

    @Test func roundTrip() throws {
        let bytes = try sample().encode()
        let bundle = try SafeTensorsBundle(bytes: bytes)
        #expect(bundle.metadata == ["format": "test", "version": "1"])
        #expect(bundle.tensors.map(\.name) == ["a.ids", "b.weight"])
        #expect(try bundle.floats("b.weight") == [1, -2, 3.5, 0, .pi, -0.0])
        #expect(bundle["b.weight"]?.shape == [2, 3])
        #expect(bundle["a.ids"]?.dtype == .i32)
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        #expect(n % 8 == 0, "header is padded to 8 bytes")
    }

    @Test func canonicalBytesDoNotDependOnInsertionOrder() throws {
        var w1 = SafeTensorsWriter(), w2 = SafeTensorsWriter()
        try w1.add("x", shape: [1], floats: [1]); try w1.add("y", shape: [1], floats: [2])
        try w2.add("y", shape: [1], floats: [2]); try w2.add("x", shape: [1], floats: [1])
        #expect(w1.encode() == w2.encode())
    }

    @Test func streamedEncodingEqualsWholeEncoding() throws {
        let w = try sample()
        var pieces: [[UInt8]] = []
        w.encode { pieces.append(Array($0)) }
        #expect(pieces.count == 3, "header, then one piece per tensor")
        #expect(pieces.flatMap { $0 } == w.encode())
    }

    @Test func halfPrecisionIsConverted() throws {
        var w = SafeTensorsWriter()
        try w.add("h", dtype: .f16, shape: [2], bytes: [0x00, 0x3c, 0x00, 0xc0])   // 1.0, -2.0
        try w.add("b", dtype: .bf16, shape: [1], bytes: [0x80, 0x3f])              // 1.0
        let bundle = try SafeTensorsBundle(bytes: w.encode())
        #expect(try bundle.floats("h") == [1, -2])
        #expect(try bundle.floats("b") == [1])
        #expect(throws: SafeTensorsError.self) { try bundle.floats("missing") }
    }

    @Test func truncatedFilesAreRejected() throws {
        let bytes = try sample().encode()
        for cut in [0, 5, 8, 20, bytes.count - 1] {
            #expect(throws: SafeTensorsError.self) { try SafeTensorsBundle(bytes: Array(bytes[..<cut])) }
        }
    }

    @Test func malformedHeadersAreRejected() throws {
        func file(_ header: String) -> [UInt8] {
            let h = Array(header.utf8)
            var n = UInt64(h.count), out: [UInt8] = []
            for _ in 0..<8 { out.append(UInt8(n & 0xff)); n >>= 8 }
            return out + h + [UInt8](repeating: 0, count: 8)
        }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsBundle(bytes: file("not json")) }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}"#)) }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#)) }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#)) }
        // Sizes from the file that overflow Int are errors, not traps (issue 16, defect 2).
        #expect { try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,8]}}"#),
                                        source: "big.safetensors") }
            throws: { "\($0)".hasPrefix("big.safetensors: ") && "\($0)".contains("more bytes than any file can hold") }
        #expect { try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"F32","shape":[2,2],"data_offsets":[0,9223372036854775813]}}"#)) }
            throws: { "\($0)".contains("data_offsets") }
        #expect { try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#)) }
            throws: { "\($0)".contains("shape") }
        #expect { try SafeTensorsBundle(bytes: [255, 255, 255, 255, 255, 255, 255, 255, 123, 125]) }
            throws: { "\($0)".contains("header length 18446744073709551615") }
        let ok = try SafeTensorsBundle(bytes: file(#"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#))
        #expect(try ok.floats("t") == [0, 0])
    }

    /// Borrowed floats give the same bytes as copied ones, whole or streamed.
    @Test func borrowedFloatsEncodeLikeCopiedOnes() throws {
        let values: [Float] = (0..<1000).map { Float($0) * 0.25 - 7 }
        var copied = SafeTensorsWriter(metadata: ["k": "v"])
        try copied.add("w", shape: [10, 100], floats: values)
        try copied.add("b", shape: [3], floats: [1, 2, 3])
        try values.withUnsafeBufferPointer { p in
            var borrowed = SafeTensorsWriter(metadata: ["k": "v"])
            try borrowed.add("w", shape: [10, 100], borrowingFloats: p.baseAddress!, count: 1000)
            try borrowed.add("b", shape: [3], floats: [1, 2, 3])
            #expect(borrowed.encode() == copied.encode())
            var streamed: [UInt8] = []
            borrowed.encode { streamed += $0 }
            #expect(streamed == copied.encode())
            #expect(throws: SafeTensorsError.self) { try borrowed.add("x", shape: [7], borrowingFloats: p.baseAddress!, count: 6) }
        }
    }

    @Test func writerRejectsBadEntries() throws {
        var w = SafeTensorsWriter()
        try w.add("x", shape: [2], floats: [1, 2])
        #expect(throws: SafeTensorsError.self) { try w.add("x", shape: [1], floats: [1]) }
        #expect(throws: SafeTensorsError.self) { try w.add("y", shape: [3], floats: [1, 2]) }
        #expect(throws: SafeTensorsError.self) { try w.add("__metadata__", shape: [1], floats: [1]) }
        #expect(throws: SafeTensorsError.self) { try w.add("z", dtype: .f32, shape: [Int.max / 2, 4], bytes: []) }
    }
}
