// Decoding ggml tensor data to Float32: F32, F16, BF16 and the 32-element block formats Q8_0,
// Q4_0 and Q4_1 (which cover every tensor of the default SmolLM2 file). Block layouts, per the
// ggml format: Q8_0 = f16 d, 32 × int8 q → d·q; Q4_0 = f16 d, 16 bytes → d·(n − 8);
// Q4_1 = f16 d, f16 m, 16 bytes → d·n + m; element j of a block is the low nibble of byte j
// (j < 16), element j + 16 the high nibble.

@inline(__always) func halfToFloat(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

/// Decodes `count` elements of `type` from `raw` (exactly the tensor's bytes).
public func dequantize(_ raw: UnsafeRawBufferPointer, type: GGMLType, count: Int, tensor: String) throws -> [Float] {
    guard let block = type.block else {
        throw GGUFError("tensor '\(tensor)': ggml type \(type.name) is not supported (supported: \(GGMLType.supported.map(\.name).joined(separator: ", ")))")
    }
    guard count % block.elements == 0, raw.count == count / block.elements * block.bytes else {
        throw GGUFError("tensor '\(tensor)': \(raw.count) bytes do not hold \(count) elements of \(type.name)")
    }
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
        let src = raw.baseAddress!
        func u16(_ at: Int) -> UInt16 { UInt16(littleEndian: src.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        switch type {
        case .f32:
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f16:
            for i in 0..<count { out[i] = halfToFloat(u16(2 * i)) }
        case .bf16:
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(u16(2 * i)) << 16) }
        case .q8_0:
            for b in 0..<(count / 32) {
                let at = b * 34
                let d = halfToFloat(u16(at))
                for j in 0..<32 {
                    out[b * 32 + j] = d * Float(Int8(bitPattern: src.load(fromByteOffset: at + 2 + j, as: UInt8.self)))
                }
            }
        case .q4_0:
            for b in 0..<(count / 32) {
                let at = b * 18
                let d = halfToFloat(u16(at))
                for j in 0..<16 {
                    let q = src.load(fromByteOffset: at + 2 + j, as: UInt8.self)
                    out[b * 32 + j] = d * Float(Int(q & 0x0F) - 8)
                    out[b * 32 + j + 16] = d * Float(Int(q >> 4) - 8)
                }
            }
        case .q4_1:
            for b in 0..<(count / 32) {
                let at = b * 20
                let d = halfToFloat(u16(at)), m = halfToFloat(u16(at + 2))
                for j in 0..<16 {
                    let q = src.load(fromByteOffset: at + 4 + j, as: UInt8.self)
                    out[b * 32 + j] = d * Float(q & 0x0F) + m
                    out[b * 32 + j + 16] = d * Float(q >> 4) + m
                }
            }
        default:
            break   // unreachable: `block` is nil for every other type
        }
        initialized = count
    }
}
