// Checksums used by the PNG container and its zlib stream: CRC-32 (ISO-HDLC, the one PNG
// chunks carry) and Adler-32 (the zlib trailer). Written from the definitions in RFC 1952 §8
// and RFC 1950 §9; check values: "123456789" → CRC-32 0xCBF43926, Adler-32 0x091E01DE.

/// The 256-entry table of the reflected CRC-32 polynomial 0xEDB88320.
private let crc32Table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}

/// CRC-32 of `bytes`, continuing from `crc` (pass the result of an earlier call to chain).
public func crc32<S: Sequence>(_ bytes: S, continuing crc: UInt32 = 0) -> UInt32 where S.Element == UInt8 {
    var c = ~crc
    for b in bytes { c = crc32Table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return ~c
}

/// Adler-32 of `bytes`, continuing from `adler` (1 is the starting value).
public func adler32<S: Sequence>(_ bytes: S, continuing adler: UInt32 = 1) -> UInt32 where S.Element == UInt8 {
    let modulus: UInt32 = 65_521
    var a = adler & 0xFFFF, b = adler >> 16
    var pending = 0
    for byte in bytes {
        a += UInt32(byte); b += a
        pending += 1
        if pending == 5_552 { a %= modulus; b %= modulus; pending = 0 }  // largest run without UInt32 overflow
    }
    return ((b % modulus) << 16) | (a % modulus)
}
