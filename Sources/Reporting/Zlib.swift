// A zlib stream (RFC 1950) holding DEFLATE stored blocks (RFC 1951 §3.2.4): no compression,
// just framing. `inflateZlib` reads back stored and fixed-Huffman streams (Deflate.swift) so
// tests can check PNG scanlines without Python; dynamic-Huffman blocks are rejected by name.

public struct ZlibError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// `data` wrapped as a zlib stream of stored DEFLATE blocks (at most 65 535 bytes each).
public func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]                   // CM 8, window 32K; FLEVEL 0; (0x7801 % 31 == 0)
    out.reserveCapacity(data.count + data.count / 65_535 * 5 + 11)
    var offset = 0
    repeat {
        let n = min(65_535, data.count - offset)
        let final: UInt8 = offset + n == data.count ? 1 : 0
        out.append(final)                             // BFINAL, BTYPE 00, padded to the byte
        let len = UInt16(n)
        out += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
        out += data[offset..<(offset + n)]
        offset += n
    } while offset < data.count
    let a = adler32(data)
    out += [UInt8(a >> 24), UInt8((a >> 16) & 0xFF), UInt8((a >> 8) & 0xFF), UInt8(a & 0xFF)]
    return out
}

/// The payload of a zlib stream of stored and fixed-Huffman DEFLATE blocks; checks the header,
/// LEN/NLEN and Adler-32. Dynamic-Huffman blocks (type 2, what zlib itself usually writes) are
/// rejected by name: this reader exists to check graft's own output.
public func inflateZlib(_ stream: [UInt8]) throws -> [UInt8] {
    guard stream.count >= 6 else { throw ZlibError(message: "zlib: stream of \(stream.count) bytes is shorter than header + trailer (6)") }
    let cmf = stream[0], flg = stream[1]
    guard cmf & 0x0F == 8 else { throw ZlibError(message: "zlib: compression method \(cmf & 0x0F), expected 8 (deflate)") }
    guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else { throw ZlibError(message: "zlib: header check bits wrong (0x\(String(cmf, radix: 16)) 0x\(String(flg, radix: 16)))") }
    guard flg & 0x20 == 0 else { throw ZlibError(message: "zlib: preset dictionary not supported") }
    var r = BitReader(stream, byteOffset: 2)
    var out: [UInt8] = []
    while true {
        let blockStart = r.bytePosition
        let final = try r.bit()
        let type = try r.bits(2)
        switch type {
        case 0:
            r.alignToByte()
            let pos = r.bitPosition / 8
            guard pos + 4 <= stream.count else { throw ZlibError(message: "zlib: truncated block header at byte \(blockStart)") }
            let len = Int(stream[pos]) | Int(stream[pos + 1]) << 8
            let nlen = Int(stream[pos + 2]) | Int(stream[pos + 3]) << 8
            guard len ^ nlen == 0xFFFF else { throw ZlibError(message: "zlib: block at byte \(blockStart): LEN \(len) and NLEN \(nlen) are not complements") }
            guard pos + 4 + len <= stream.count else { throw ZlibError(message: "zlib: block at byte \(blockStart) claims \(len) bytes, only \(stream.count - pos - 4) remain") }
            out += stream[(pos + 4)..<(pos + 4 + len)]
            r.bitPosition = (pos + 4 + len) * 8
        case 1:
            try inflateFixedBlock(&r, into: &out)
        default:
            throw ZlibError(message: "zlib: block at byte \(blockStart) has type \(type); only stored (0) and fixed-Huffman (1) blocks can be read here")
        }
        if final == 1 { break }
    }
    let pos = r.bytePosition
    guard pos + 4 == stream.count else { throw ZlibError(message: "zlib: \(stream.count - pos) bytes after the final block, expected the 4-byte Adler-32") }
    let stored = UInt32(stream[pos]) << 24 | UInt32(stream[pos + 1]) << 16 | UInt32(stream[pos + 2]) << 8 | UInt32(stream[pos + 3])
    let actual = adler32(out)
    guard stored == actual else { throw ZlibError(message: "zlib: Adler-32 mismatch: stream says 0x\(String(stored, radix: 16)), data gives 0x\(String(actual, radix: 16))") }
    return out
}
