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

    @Test func streamedWriteAndFailingProducerKeepOldContent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graft-atomic-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.bin"
        try writeFileAtomically(path) { write in
            for chunk in ["ab", "cd", "e"] { try Array(chunk.utf8).withUnsafeBytes { try write($0) } }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "abcde")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try writeFileAtomically(path) { write in
                try Array("partial".utf8).withUnsafeBytes { try write($0) }
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "abcde")
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
