// GPT-2's byte alphabet: a bijection on 256 bytes, with the well-known images of space/newline.
import Testing
@testable import LM

@Suite struct ByteLevelTests {
    @Test func alphabet() {
        #expect(Set(ByteLevel.byteToScalar).count == 256)
        #expect(ByteLevel.byteToScalar[0x20] == "\u{120}")   // Ġ
        #expect(ByteLevel.byteToScalar[0x0A] == "\u{10A}")   // Ċ
        #expect(ByteLevel.byteToScalar[Int(UInt8(ascii: "A"))] == "A")
        let all = (0..<256).map(UInt8.init)
        #expect(ByteLevel.decode(ByteLevel.encode(all)) == all)
        #expect(ByteLevel.decode("\u{2000}") == nil)
    }
}
