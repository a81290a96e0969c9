// Helpers shared by the store's tests.
import Foundation

func flipByte(_ path: String, at offset: Int) throws {
    chmod(path, 0o644)
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[offset] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
