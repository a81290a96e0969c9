// Tests for the PNG encoder: signature, chunk order and CRCs, IHDR fields, IDAT inflating back
// to the filter-0 scanlines, RGBA, and bytes that do not change between runs.
import Testing
@testable import Reporting

@Suite struct PNGTests {
    func sample(channels: Int) -> Image {
        var img = Image(width: 3, height: 2, channels: channels)
        img.set(0, 0, RGB(255, 0, 0)); img.set(1, 0, RGB(0, 255, 0)); img.set(2, 1, RGB(0, 0, 255))
        return img
    }

    @Test(arguments: [PNGCompression.stored, .fixedHuffman])
    func structure(compression: PNGCompression) throws {
        let png = encodePNG(sample(channels: 3), compression: compression)
        #expect(Array(png[0..<8]) == [137, 80, 78, 71, 13, 10, 26, 10])
        let chunks = try readPNGChunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks.allSatisfy { $0.crcMatches })
        #expect(chunks[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])   // 3×2, depth 8, RGB, no interlace
        #expect(chunks[2].data.isEmpty && chunks[2].storedCRC == 0xAE42_6082)
        let raw = try inflateZlib(chunks[1].data)
        #expect(raw == [0, 255, 0, 0, 0, 255, 0, 255, 255, 255,
                        0, 255, 255, 255, 255, 255, 255, 0, 0, 255])
    }

    @Test func rgba() throws {
        let png = encodePNG(sample(channels: 4))
        let chunks = try readPNGChunks(png)
        #expect(chunks[0].data[9] == 6)
        let raw = try inflateZlib(chunks[1].data)
        #expect(raw.count == 2 * (1 + 3 * 4))
        #expect(Array(raw[1..<5]) == [255, 0, 0, 255])
    }

    @Test func deterministic() {
        #expect(encodePNG(sample(channels: 3)) == encodePNG(sample(channels: 3)))
    }

    @Test func corruptedChunkFailsCRC() throws {
        var png = encodePNG(sample(channels: 3))
        png[8 + 8 + 3] ^= 1                                    // a byte of IHDR's width
        #expect(try readPNGChunks(png)[0].crcMatches == false)
        #expect(throws: ZlibError.self) { try readPNGChunks(Array(png[1...])) }
        #expect(throws: ZlibError.self) { try readPNGChunks(Array(png[0..<20])) }
    }
}
