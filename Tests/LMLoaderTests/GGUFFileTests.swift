// GGUFFile: header, metadata of every value type, tensor table, alignment, and a clear error
// (naming the key or tensor) for every kind of broken file.
import Foundation
import Testing
@testable import LM

@Suite struct GGUFFileTests {
    func expectError(_ g: TestGGUF, contains parts: [String]) throws {
        let path = try g.write()
        do {
            _ = try GGUFFile(path: path)
            Issue.record("expected an error containing \(parts)")
        } catch let e as GGUFError {
            for p in parts { #expect(e.description.contains(p), "\(e.description) lacks '\(p)'") }
        }
    }

    @Test func readsEveryMetadataValueType() throws {
        var g = TestGGUF()
        g.version = 2
        g.kvs = [("a.u8", .u8(200)), ("a.i8", .i8(-5)), ("a.u16", .u16(60000)), ("a.i16", .i16(-300)),
                 ("a.u32", .u32(4_000_000_000)), ("a.i32", .i32(-7)), ("a.u64", .u64(UInt64.max)),
                 ("a.i64", .i64(-1 << 40)), ("a.f32", .f32(0.25)), ("a.f64", .f64(-1.5)), ("a.bool", .bool(true)),
                 ("a.str", .string("héllo")), ("a.strs", .strings(["x", "", "ü z"])), ("a.ints", .i32s([3, -1]))]
        let f = try GGUFFile(path: try g.write())
        let m = f.metadata
        #expect(f.version == 2)
        #expect(m.keys == g.kvs.map(\.0))
        #expect(try m.int("a.u8") == 200)
        #expect(try m.int("a.i8") == -5)
        #expect(try m.int("a.u16") == 60000)
        #expect(try m.int("a.i16") == -300)
        #expect(try m.int("a.u32") == 4_000_000_000)
        #expect(try m.int("a.i32") == -7)
        #expect(m["a.u64"] == .uint64(UInt64.max))
        #expect(try m.int("a.i64") == -(1 << 40))
        #expect(try m.float("a.f32") == 0.25)
        #expect(try m.float("a.f64") == -1.5)
        #expect(try m.bool("a.bool"))
        #expect(try m.string("a.str") == "héllo")
        #expect(try m.strings("a.strs") == ["x", "", "ü z"])
        #expect(try m.ints("a.ints") == [3, -1])
        #expect(f.tensors.isEmpty)
        #expect(f.alignment == 32)
    }

    @Test func accessorErrorsNameTheKey() throws {
        var g = TestGGUF()
        g.kvs = [("k.s", .string("x"))]
        let m = try GGUFFile(path: try g.write()).metadata
        #expect(throws: GGUFError.self) { try m.int("k.s") }
        do { _ = try m.int("k.missing") } catch { #expect("\(error)".contains("'k.missing' is missing")) }
        do { _ = try m.int("k.s") } catch { #expect("\(error)".contains("'k.s' should be an integer")) }
    }

    @Test func tensorTableShapesOffsetsAndAlignment() throws {
        var g = TestGGUF()
        g.alignment = 64
        g.kvs = [("general.alignment", .u32(64))]
        g.tensors = [TestTensor(name: "a", ggmlDims: [3, 2], type: 0, data: f32Bytes([1, 2, 3, 4, 5, 6])),
                     TestTensor(name: "b", ggmlDims: [4], type: 1, data: [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x7C])]
        let f = try GGUFFile(path: try g.write())
        #expect(f.alignment == 64)
        #expect(f.dataOffset % 64 == 0)
        #expect(f["a"]?.shape == [2, 3])
        #expect(f["b"]?.offset == f.dataOffset + 64)
        #expect(try f.floats("a") == [1, 2, 3, 4, 5, 6])
        #expect(try f.floats("b") == [1, -2, 0, .infinity])
    }

    @Test func wrongMagic() throws {
        var g = TestGGUF(); g.magic = Array("GGML".utf8)
        try expectError(g, contains: ["not a GGUF file"])
    }

    @Test func unsupportedVersion() throws {
        var g = TestGGUF(); g.version = 1
        try expectError(g, contains: ["GGUF version 1 is not supported"])
    }

    @Test func truncatedInMetadataNamesTheKey() throws {
        var g = TestGGUF()
        g.kvs = [("first", .u32(1)), ("tokenizer.ggml.tokens", .strings(["a", "bb", "ccc"]))]
        g.alignment = 1   // no padding after the metadata: the cut lands inside the last string
        let full = g.bytes()
        let path = try g.write()
        try Data(full[0..<(full.count - 3)]).write(to: URL(fileURLWithPath: path))
        do { _ = try GGUFFile(path: path); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("truncated"))
            #expect("\(error)".contains("tokenizer.ggml.tokens"))
        }
        try Data(full[0..<10]).write(to: URL(fileURLWithPath: path))
        #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
    }

    @Test func unknownAndUnsupportedTensorTypes() throws {
        var g = TestGGUF()
        g.tensors = [TestTensor(name: "blk.0.ffn_up.weight", ggmlDims: [32], type: 77, data: [UInt8](repeating: 0, count: 32))]
        try expectError(g, contains: ["blk.0.ffn_up.weight", "unknown ggml type 77"])
        g.tensors[0].type = 12
        try expectError(g, contains: ["blk.0.ffn_up.weight", "Q4_K", "supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1"])
    }

    @Test func tensorPastEndOfFile() throws {
        var g = TestGGUF()
        g.tensors = [TestTensor(name: "w", ggmlDims: [8, 4], type: 0, data: f32Bytes([Float](repeating: 1, count: 16)))]
        try expectError(g, contains: ["tensor 'w'", "past the end of the file"])
    }

    @Test func misalignedOffset() throws {
        var g = TestGGUF()
        g.tensors = [TestTensor(name: "w", ggmlDims: [2], type: 0, data: f32Bytes([1, 2]), offset: 4)]
        try expectError(g, contains: ["tensor 'w'", "offset 4", "alignment 32"])
    }

    @Test func badBlockRowAndBadAlignment() throws {
        var g = TestGGUF()
        g.tensors = [TestTensor(name: "q", ggmlDims: [16], type: 8, data: [UInt8](repeating: 0, count: 34))]
        try expectError(g, contains: ["tensor 'q'", "not a multiple of its block size 32"])
        var h = TestGGUF()
        h.kvs = [("general.alignment", .u32(24))]
        try expectError(h, contains: ["general.alignment 24"])
    }

    @Test func hugeCountsAreRejectedNotAllocated() throws {
        var g = TestGGUF()
        g.kvs = [("x", .u8(1))]
        var bytes = g.bytes()
        // tensor count field (bytes 8..<16) → 2^60
        for i in 0..<8 { bytes[8 + i] = i == 7 ? 0x10 : 0 }
        let path = try g.write()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
    }
}
