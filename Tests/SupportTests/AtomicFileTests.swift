// Atomic file replacement: the whole new content or the old one, and no temporary left behind.
import Foundation
import Testing
@testable import Support

@Suite struct AtomicFileTests {
    @Test func replacesContentAndLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graft-atomic-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.bin"
        try writeFileAtomically(path, bytes: Array("old".utf8))
        try writeFileAtomically(path, bytes: Array("new content".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.bin"])
    }

    @Test func failureKeepsTheOldFile() throws {
        #expect(throws: FileWriteError.self) {
            try writeFileAtomically("/nonexistent-dir-\(UUID())/x", bytes: [1, 2, 3])
        }
    }

    @Test func durations() {
        #expect(formatDuration(12.34) == "12.3s")
        #expect(formatDuration(187) == "3m07s")
        #expect(formatDuration(3720) == "1h02m")
    }
}
