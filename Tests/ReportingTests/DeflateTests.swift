// Tests for fixed-Huffman DEFLATE: known bytes for a tiny input, round trips through the
// decoder (repetitive, random, overlapping matches, long distances), and that it compresses.
import Testing
@testable import Reporting

@Suite struct DeflateTests {
    @Test func fixedCodes() {
        #expect(fixedLiteralCode(0) == (0x30, 8))
        #expect(fixedLiteralCode(143) == (0xBF, 8))
        #expect(fixedLiteralCode(144) == (0x190, 9))
        #expect(fixedLiteralCode(255) == (0x1FF, 9))
        #expect(fixedLiteralCode(256) == (0, 7))
        #expect(fixedLiteralCode(287) == (0xC7, 8))
    }

    @Test func knownStreams() throws {
        // The empty input: header bits 1,01 then end-of-block 0000000 → 03 00 (as zlib writes it).
        #expect(deflateFixed([]) == [0x03, 0x00])
        // "a": zlib.compress(b"a") gives 78 9c 4b 04 00 00 62 00 62 with a fixed block.
        #expect(zlibCompressed(Array("a".utf8)) == [0x78, 0x9C, 0x4B, 0x04, 0x00, 0x00, 0x62, 0x00, 0x62])
    }

    @Test func roundTrips() throws {
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 { rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return UInt8(rng >> 56) }
        let random = (0..<5_000).map { _ in next() }
        let runs = [UInt8](repeating: 7, count: 10_000)                         // overlapping distance-1 matches
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog ", count: 200).utf8)
        var far = random; far += [UInt8](repeating: 0, count: 30_000); far += random // a match ~35 KB back is out of the window; ~30 KB is in
        let small: [[UInt8]] = [[], [1], [1, 2], [1, 2, 3], [0, 0, 0, 0]]
        for data in [random, runs, text, far] + small {
            #expect(try inflateZlib(zlibCompressed(data)) == data)
        }
        #expect(zlibCompressed(text).count < text.count / 10)
        #expect(zlibCompressed(runs).count < 200)
        #expect(zlibCompressed(text) == zlibCompressed(text))
    }

    @Test func truncatedStreamIsAnError() {
        let z = zlibCompressed(Array("hello hello hello".utf8))
        #expect(throws: ZlibError.self) { try inflateZlib(Array(z[0..<(z.count - 6)])) }
    }
}
