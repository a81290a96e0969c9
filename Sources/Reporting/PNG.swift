// PNG encoding (ISO/IEC 15948) of 8-bit RGB or RGBA images: signature, IHDR, one IDAT holding
// a zlib stream (fixed-Huffman or stored blocks) over filter-0 scanlines, IEND; every chunk
// carries its CRC-32.
// Also the `Image` pixel buffer the rasteriser draws into, and a chunk reader for tests.

/// An 8-bit image, row-major, `channels` bytes per pixel (3 = RGB, 4 = RGBA).
public struct Image: Sendable, Equatable {
    public let width: Int, height: Int, channels: Int
    public var pixels: [UInt8]          // [height * width * channels]

    public init(width: Int, height: Int, channels: Int = 3, fill: RGB = RGB(255, 255, 255)) {
        precondition(width > 0 && height > 0 && (channels == 3 || channels == 4), "image \(width)×\(height)×\(channels)")
        self.width = width; self.height = height; self.channels = channels
        let px: [UInt8] = channels == 3 ? [fill.r, fill.g, fill.b] : [fill.r, fill.g, fill.b, 255]
        pixels = Array([[UInt8]](repeating: px, count: width * height).joined())
    }

    public func pixel(_ x: Int, _ y: Int) -> RGB {
        let i = (y * width + x) * channels
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Sets one pixel (opaque); points outside the image are ignored (clipping).
    public mutating func set(_ x: Int, _ y: Int, _ c: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * channels
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
        if channels == 4 { pixels[i + 3] = 255 }
    }

    /// Blends `c` over the pixel with coverage `alpha` in [0, 1] (for anti-aliased lines).
    public mutating func blend(_ x: Int, _ y: Int, _ c: RGB, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        set(x, y, mix(pixel(x, y), c, min(1, alpha)))
    }

    /// Fills a rectangle, clipped to the image (a rectangle wholly outside draws nothing).
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ c: RGB) {
        let y0 = max(0, y), y1 = min(height, y + h), x0 = max(0, x), x1 = min(width, x + w)
        guard y0 < y1, x0 < x1 else { return }
        for yy in y0..<y1 {
            for xx in x0..<x1 { set(xx, yy, c) }
        }
    }

    /// The raw scanlines PNG filters: each row prefixed with filter type 0 (None).
    public func scanlines() -> [UInt8] {
        let stride = width * channels
        var out: [UInt8] = []
        out.reserveCapacity(height * (stride + 1))
        for y in 0..<height {
            out.append(0)
            out += pixels[(y * stride)..<((y + 1) * stride)]
        }
        return out
    }
}

public let pngSignature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

private func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
}

/// How the IDAT stream is compressed.
public enum PNGCompression: Sendable { case stored, fixedHuffman }

/// The image as PNG bytes (deterministic: no time or text chunks).
public func encodePNG(_ image: Image, compression: PNGCompression = .fixedHuffman) -> [UInt8] {
    let colourType: UInt8 = image.channels == 4 ? 6 : 2
    let ihdr = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height)) + [8, colourType, 0, 0, 0]
    return pngSignature + chunk("IHDR", ihdr) + chunk("IDAT", compression == .stored ? zlibStored(image.scanlines()) : zlibCompressed(image.scanlines())) + chunk("IEND", [])
}

/// One chunk read back from a PNG file.
public struct PNGChunk: Sendable, Equatable {
    public let type: String
    public let data: [UInt8]
    public let storedCRC: UInt32
    public var crcMatches: Bool { storedCRC == crc32(Array(type.utf8) + data) }
}

/// Splits PNG bytes into chunks (checks the signature and lengths, not the CRCs: see `crcMatches`).
public func readPNGChunks(_ bytes: [UInt8]) throws -> [PNGChunk] {
    guard bytes.count >= 8, Array(bytes[0..<8]) == pngSignature else { throw ZlibError(message: "png: missing the 8-byte PNG signature") }
    var pos = 8, chunks: [PNGChunk] = []
    func u32(_ p: Int) -> UInt32 { UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3]) }
    while pos < bytes.count {
        guard pos + 12 <= bytes.count else { throw ZlibError(message: "png: truncated chunk header at byte \(pos)") }
        let len = Int(u32(pos))
        guard pos + 12 + len <= bytes.count else { throw ZlibError(message: "png: chunk at byte \(pos) claims \(len) bytes, file too short") }
        let type = String(decoding: bytes[(pos + 4)..<(pos + 8)], as: UTF8.self)
        chunks.append(PNGChunk(type: type, data: Array(bytes[(pos + 8)..<(pos + 8 + len)]), storedCRC: u32(pos + 8 + len)))
        pos += 12 + len
    }
    return chunks
}
