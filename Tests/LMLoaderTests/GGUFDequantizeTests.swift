// Dequantisation: each block format decoded from hand-built blocks with values worked out from
// the format's definition, and real tensors of the default file against values pinned from the
// `gguf` Python package's own decoder (scripts/reference/gguf_dequant_reference.py).
import Foundation
import Testing
@testable import LM

@Suite struct GGUFDequantizeTests {
    func decode(_ bytes: [UInt8], _ type: GGMLType, _ count: Int) throws -> [Float] {
        try bytes.withUnsafeBytes { try dequantize($0, type: type, count: count, tensor: "t") }
    }

    @Test func halfAndBFloat() throws {
        // f16: 1.0 = 0x3C00, -2 = 0xC000, 0.5 = 0x3800, smallest subnormal = 0x0001
        #expect(try decode([0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0x01, 0x00], .f16, 4) == [1, -2, 0.5, 0x1p-24])
        // bf16: the top 16 bits of an f32: 1.0 = 0x3F80, -3 = 0xC040
        #expect(try decode([0x80, 0x3F, 0x40, 0xC0], .bf16, 2) == [1, -3])
    }

    @Test func q8_0() throws {
        var block: [UInt8] = [0x00, 0x38]                          // d = 0.5
        block += (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }  // q = -16 … 15
        #expect(try decode(block, .q8_0, 32) == (0..<32).map { Float($0 - 16) * 0.5 })
    }

    @Test func q4_0() throws {
        var block: [UInt8] = [0x00, 0x40]                          // d = 2
        block += (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }  // low nibble j, high nibble 15 − j
        let low = (0..<16).map { Float($0 - 8) * 2 }, high = (0..<16).map { Float(15 - $0 - 8) * 2 }
        #expect(try decode(block, .q4_0, 32) == low + high)
    }

    @Test func q4_1() throws {
        var block: [UInt8] = [0x00, 0x38, 0x00, 0xBC]              // d = 0.5, m = -1
        block += (0..<16).map { UInt8($0) | UInt8(($0 * 3) % 16) << 4 }
        let low = (0..<16).map { Float($0) * 0.5 - 1 }, high = (0..<16).map { Float(($0 * 3) % 16) * 0.5 - 1 }
        let two = block + block
        #expect(try decode(two, .q4_1, 64) == low + high + low + high)
    }

    @Test func wrongByteCountIsAnError() throws {
        #expect(throws: GGUFError.self) { try decode([0, 0, 0], .f32, 1) }
        #expect(throws: GGUFError.self) { try decode([UInt8](repeating: 0, count: 34), .q8_0, 16) }
    }

    /// (name, type, count, float64 sum, abs sum, [(index, value)]) from the gguf package's decoder.
    static let pinned: [(String, GGMLType, Int, Double, Double, [(Int, Float)])] = [
        ("token_embd.weight", .q8_0, 28_311_552, -15353.044494, 2802153.619806,
         [(0, -0.10654449462890625), (1, 0.032978057861328125), (31, -0.20040512084960938), (32, -0.09348678588867188),
          (1000, 0.007411956787109375), (28_311_551, -0.0417022705078125)]),
        ("blk.0.attn_q.weight", .q4_1, 331_776, 59.223221, 63395.398727,
         [(0, -0.0963134765625), (1, 0.1573486328125), (31, -0.0963134765625), (32, -0.34619140625),
          (1000, -0.138427734375), (331_775, -0.255859375)]),
        ("blk.0.ffn_down.weight", .q4_1, 884_736, 150.635773, 128458.062866,
         [(0, -0.330810546875), (1, 0.3460693359375), (31, -0.06005859375), (32, 0.0416259765625),
          (1000, 0.2454833984375), (884_735, -0.181365966796875)]),
        ("blk.29.attn_k.weight", .q4_1, 110_592, 87.892418, 11157.162529,
         [(0, 0.062408447265625), (1, 0.00433349609375), (31, -0.0247039794921875), (32, 0.019287109375),
          (1000, 0.01776123046875), (110_591, 0.081939697265625)]),
        ("blk.0.attn_norm.weight", .f32, 576, 0.612944, 15.815359,
         [(0, 0.01397705078125), (1, 0.0238037109375), (31, -0.0201416015625), (32, 0.0303955078125), (575, -0.038330078125)]),
        ("output_norm.weight", .f32, 576, 1038.332031, 1045.097656,
         [(0, 1.7578125), (1, 1.8203125), (31, 1.828125), (32, 1.875), (575, 1.984375)]),
    ]

    @Test func realTensorsMatchTheReferenceDecoder() throws {
        let f = try realGGUF.get()
        for (name, type, count, sum, abs, samples) in Self.pinned {
            let t = try #require(f[name])
            #expect(t.type == type, "\(name)")
            let x = try f.floats(t)
            #expect(x.count == count)
            var s = 0.0, a = 0.0
            for v in x { s += Double(v); a += Swift.abs(Double(v)) }
            #expect(Swift.abs(s - sum) < 1e-4 * max(1, Swift.abs(sum)), "\(name): sum \(s) vs \(sum)")
            #expect(Swift.abs(a - abs) < 1e-6 * abs, "\(name): abs sum \(a) vs \(abs)")
            for (i, v) in samples { #expect(x[i] == v, "\(name)[\(i)] = \(x[i]), reference \(v)") }
        }
    }
}
