// The zstd streams: empty payloads, payloads larger than one zstd block, trailing garbage and
// frames that do not end are all handled (the last two as errors).
import Foundation
import Testing
@testable import Artifacts
import TestSupport

@Suite struct ZstdStreamsTests {
    @Test func emptyAndMultiBlockPayloads() throws {
        let dir = try makeTemporaryDirectory("zstd")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        #expect(try store.get(store.put([])) == [])
        let big = (0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 / 3) }
        #expect(try store.get(store.put(big)) == big)
    }

    @Test func trailingGarbageIsCorruption() throws {
        let dir = try makeTemporaryDirectory("zstd")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        let d = try store.put(Array("hello".utf8))
        chmod(store.objectPath(d), 0o644)
        let h = FileHandle(forWritingAtPath: store.objectPath(d))!
        h.seekToEndOfFile()
        h.write(Data([1, 2, 3]))
        h.closeFile()
        #expect { try store.get(d) } throws: { "\($0)".contains("data after the end of its zstd frame") }
    }
}
