// Tests for CRC-32 and Adler-32 against published check values and chaining.
import Testing
@testable import Reporting

@Suite struct ChecksumsTests {
    @Test func crc32CheckValue() {
        #expect(crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(crc32([UInt8]()) == 0)
        // The IEND chunk's CRC (over the type only) is a fixed, published constant.
        #expect(crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test func adler32CheckValue() {
        #expect(adler32(Array("123456789".utf8)) == 0x091E_01DE)
        #expect(adler32([UInt8]()) == 1)
        #expect(adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test func chainingEqualsOneShot() {
        let data = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let split = 12_345
        #expect(crc32(data[split...], continuing: crc32(data[..<split])) == crc32(data))
        #expect(adler32(data[split...], continuing: adler32(data[..<split])) == adler32(data))
    }

    @Test func adlerLongRunOfMaxBytesDoesNotOverflow() {
        // 100 000 bytes of 0xFF: the modulo must be taken often enough; compare with a naive loop.
        let data = [UInt8](repeating: 0xFF, count: 100_000)
        var a: UInt64 = 1, b: UInt64 = 0
        for x in data { a = (a + UInt64(x)) % 65_521; b = (b + a) % 65_521 }
        #expect(adler32(data) == UInt32(b << 16 | a))
    }
}
