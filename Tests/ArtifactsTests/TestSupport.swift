// Helpers shared by the store's tests: a fresh temporary directory per test.
import Foundation

func makeTempDir(_ label: String = "t") -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("graft-\(label)-\(UUID())").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func flipByte(_ path: String, at offset: Int) throws {
    chmod(path, 0o644)
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[offset] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
