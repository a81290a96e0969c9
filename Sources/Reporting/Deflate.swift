// DEFLATE compression (RFC 1951) with one fixed-Huffman block (§3.2.6) over greedy LZ77 matches
// found by a 3-byte hash chain in the 32 KiB window, and the matching decoder for fixed-Huffman
// blocks. Written from the RFC; deterministic: the same bytes always compress to the same stream.

/// Base lengths and extra bits of length codes 257…285 (RFC 1951 §3.2.5).
let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
/// Base distances and extra bits of distance codes 0…29.
let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                           2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

/// Writes bits least-significant first into bytes, as DEFLATE packs them.
struct BitWriter {
    var bytes: [UInt8] = []
    var buffer: UInt64 = 0, count = 0
    mutating func write(_ value: Int, bits: Int) {
        buffer |= UInt64(value) << UInt64(count); count += bits
        while count >= 8 { bytes.append(UInt8(buffer & 0xFF)); buffer >>= 8; count -= 8 }
    }
    /// A Huffman code, which DEFLATE stores most-significant bit first.
    mutating func writeCode(_ code: Int, bits: Int) {
        var reversed = 0
        for i in 0..<bits where code & (1 << i) != 0 { reversed |= 1 << (bits - 1 - i) }
        write(reversed, bits: bits)
    }
    mutating func flush() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(buffer & 0xFF)); buffer = 0; count = 0 }
        return bytes
    }
}

/// The fixed literal/length code of symbol 0…287: (code, length in bits).
func fixedLiteralCode(_ symbol: Int) -> (Int, Int) {
    switch symbol {
    case 0...143: return (0b0011_0000 + symbol, 8)
    case 144...255: return (0b1_1001_0000 + symbol - 144, 9)
    case 256...279: return (symbol - 256, 7)
    default: return (0b1100_0000 + symbol - 280, 8)
    }
}

/// Index of the last base ≤ value (tables are short and sorted).
private func bucket(_ table: [Int], _ value: Int) -> Int {
    var i = table.count - 1
    while table[i] > value { i -= 1 }
    return i
}

/// `data` as one final fixed-Huffman DEFLATE block (raw, no zlib framing).
public func deflateFixed(_ data: [UInt8], maxChain: Int = 64) -> [UInt8] {
    var w = BitWriter()
    w.write(1, bits: 1)                    // BFINAL
    w.write(1, bits: 2)                    // BTYPE 01: fixed Huffman
    let window = 32_768, hashSize = 1 << 15
    var head = [Int](repeating: -1, count: hashSize)
    var prev = [Int](repeating: -1, count: window)
    func hash(_ i: Int) -> Int { (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & (hashSize - 1) }
    func insert(_ i: Int) {
        guard i + 2 < data.count else { return }
        let h = hash(i)
        prev[i & (window - 1)] = head[h]; head[h] = i
    }
    func literal(_ b: UInt8) { let (c, n) = fixedLiteralCode(Int(b)); w.writeCode(c, bits: n) }
    var i = 0
    while i < data.count {
        var bestLength = 0, bestDistance = 0
        if i + 2 < data.count {
            var candidate = head[hash(i)], chain = 0
            let limit = min(258, data.count - i)
            while candidate >= 0, i - candidate <= window, chain < maxChain {
                var n = 0
                while n < limit && data[candidate + n] == data[i + n] { n += 1 }
                if n > bestLength { bestLength = n; bestDistance = i - candidate; if n == limit { break } }
                candidate = prev[candidate & (window - 1)]; chain += 1
            }
        }
        if bestLength >= 3 {
            let li = bucket(lengthBase, bestLength)
            let (c, n) = fixedLiteralCode(257 + li)
            w.writeCode(c, bits: n)
            w.write(bestLength - lengthBase[li], bits: lengthExtra[li])
            let di = bucket(distanceBase, bestDistance)
            w.writeCode(di, bits: 5)
            w.write(bestDistance - distanceBase[di], bits: distanceExtra[di])
            for k in i..<(i + bestLength) { insert(k) }
            i += bestLength
        } else {
            literal(data[i]); insert(i); i += 1
        }
    }
    let (c, n) = fixedLiteralCode(256)    // end of block
    w.writeCode(c, bits: n)
    return w.flush()
}

/// `data` compressed as a zlib stream holding one fixed-Huffman DEFLATE block.
public func zlibCompressed(_ data: [UInt8]) -> [UInt8] {
    let a = adler32(data)
    return [0x78, 0x9C] + deflateFixed(data) + [UInt8(a >> 24), UInt8((a >> 16) & 0xFF), UInt8((a >> 8) & 0xFF), UInt8(a & 0xFF)]
}

// MARK: - Decoding

/// Reads DEFLATE bits least-significant first.
struct BitReader {
    let bytes: [UInt8]
    var bitPosition: Int
    init(_ bytes: [UInt8], byteOffset: Int) { self.bytes = bytes; bitPosition = byteOffset * 8 }
    var bytePosition: Int { (bitPosition + 7) / 8 }
    mutating func bit() throws -> Int {
        guard bitPosition < bytes.count * 8 else { throw ZlibError(message: "deflate: stream ends inside a block (bit \(bitPosition))") }
        let b = Int(bytes[bitPosition >> 3] >> UInt8(bitPosition & 7)) & 1
        bitPosition += 1
        return b
    }
    mutating func bits(_ n: Int) throws -> Int {
        var v = 0
        for i in 0..<n { v |= try bit() << i }
        return v
    }
    mutating func alignToByte() { bitPosition = (bitPosition + 7) / 8 * 8 }
}

/// Decodes one fixed-Huffman block's symbols from `r` into `out` (after its 3-bit header).
func inflateFixedBlock(_ r: inout BitReader, into out: inout [UInt8]) throws {
    while true {
        var code = 0
        for _ in 0..<7 { code = code << 1 | (try r.bit()) }
        let symbol: Int
        if code <= 0b001_0111 { symbol = 256 + code } else {
            code = code << 1 | (try r.bit())
            if (0b0011_0000...0b1011_1111).contains(code) { symbol = code - 0b0011_0000 }
            else if (0b1100_0000...0b1100_0111).contains(code) { symbol = 280 + code - 0b1100_0000 }
            else { code = code << 1 | (try r.bit()); symbol = 144 + code - 0b1_1001_0000 }
        }
        if symbol < 256 { out.append(UInt8(symbol)); continue }
        if symbol == 256 { return }
        let li = symbol - 257
        guard li < 29 else { throw ZlibError(message: "deflate: invalid length symbol \(symbol)") }
        let length = lengthBase[li] + (try r.bits(lengthExtra[li]))
        var dcode = 0
        for _ in 0..<5 { dcode = dcode << 1 | (try r.bit()) }
        guard dcode < 30 else { throw ZlibError(message: "deflate: invalid distance code \(dcode)") }
        let distance = distanceBase[dcode] + (try r.bits(distanceExtra[dcode]))
        guard distance <= out.count else { throw ZlibError(message: "deflate: distance \(distance) reaches before the start of the output (\(out.count) bytes)") }
        let start = out.count - distance
        for k in 0..<length { out.append(out[start + k]) }
    }
}
