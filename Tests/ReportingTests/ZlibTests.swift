// Tests for the stored-block zlib stream and the reader: framing, multi-block round trip, corruption errors.
import Testing
@testable import Reporting

@Suite struct ZlibTests {
    @Test func smallStreamExactBytes() {
        // "abc": header 78 01, final stored block LEN 3 NLEN fffc, payload, Adler-32 0x024d0127.
        #expect(zlibStored(Array("abc".utf8)) == [0x78, 0x01, 0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63, 0x02, 0x4D, 0x01, 0x27])
        #expect(zlibStored([]) == [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01])
    }

    @Test func multiBlockRoundTrip() throws {
        let data = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let z = zlibStored(data)
        #expect(z.count == 2 + 3 * 5 + data.count + 4)      // three blocks: 65535 + 65535 + 18930
        #expect(try inflateZlib(z) == data)
        #expect(try inflateZlib(zlibStored([])) == [])
    }

    @Test func corruptionIsDetected() {
        var z = zlibStored(Array("hello".utf8))
        z[8] ^= 1                                              // payload byte
        do { _ = try inflateZlib(z); Issue.record("expected an error") } catch { #expect("\(error)".contains("Adler-32 mismatch")) }
        var n = zlibStored(Array("hello".utf8))
        n[5] ^= 0xFF                                           // NLEN
        #expect(throws: ZlibError.self) { try inflateZlib(n) }
        var dynamic = zlibStored(Array("hello".utf8))
        dynamic[2] = 0x05                                      // BFINAL + dynamic Huffman
        do { _ = try inflateZlib(dynamic); Issue.record("expected an error") } catch { #expect("\(error)".contains("type 2")) }
        #expect(throws: ZlibError.self) { try inflateZlib([0x78]) }
    }
}
