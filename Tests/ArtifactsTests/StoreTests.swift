// The store: naming by the payload's SHA-256, streaming round trips, atomic writes, verification
// on every read (a flipped byte names the object and its stage), determinism.
import Foundation
import SafeTensors
import Testing
@testable import Artifacts
import TestSupport

@Suite struct StoreTests {
    @Test func namesObjectsByThePayloadHash() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        let d = try store.put(Array("abc".utf8))
        #expect(d.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileManager.default.fileExists(atPath: dir + "/objects/ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.zst"))
        #expect(try store.get(d) == Array("abc".utf8))
        #expect(store.allObjects() == [d])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/tmp").isEmpty)
    }

    @Test func identityDoesNotDependOnCompression() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        var fast = try Store(root: dir + "/a")
        fast.compression = CompressionSettings(level: 1, workers: 0)
        var slow = try Store(root: dir + "/b")
        slow.compression = CompressionSettings(level: 19, workers: 2)
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }
        #expect(try fast.put(payload) == slow.put(payload))
    }

    @Test func streamsLargeFilesBothWays() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let store = try Store(root: dir + "/artifacts")
        var rng = SystemRandomNumberGenerator()
        var payload = [UInt8](repeating: 0, count: 9 << 20)     // more than two 4 MiB read chunks
        for i in stride(from: 0, to: payload.count, by: 8) { payload[i] = UInt8.random(in: 0...255, using: &rng) }
        try Data(payload).write(to: URL(fileURLWithPath: dir + "/in.bin"))
        let d = try store.put(file: dir + "/in.bin")
        #expect(d == Digest.of(payload))
        try store.extract(d, to: dir + "/out.bin")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/out.bin")) == Data(payload))
    }

    @Test func objectsAreOrdinaryZstdFiles() throws {
        // `zstd -d` outside graft gives back the payload (here a safetensors bundle).
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        var w = SafeTensorsWriter(metadata: ["format": "graft-test", "version": "1"])
        try w.add("w", shape: [3, 2], floats: [1, 2, 3, 4, 5, 6])
        let d = try store.put(w.encode())
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
        p.arguments = ["-d", "-q", "-c", store.objectPath(d)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try SafeTensorsBundle(bytes: Array(bytes)).floats("w") == [1, 2, 3, 4, 5, 6])
    }

    @Test func deterministicObjectBytes() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let a = try Store(root: dir + "/a"), b = try Store(root: dir + "/b")
        let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: ($0 &* 2654435761) >> 13) }
        let d = try a.put(payload)
        #expect(try b.put(payload) == d)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a.objectPath(d))) == Data(contentsOf: URL(fileURLWithPath: b.objectPath(d))))
    }

    @Test func failedWriteLeavesNothing() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.put { write in
                try [UInt8](repeating: 7, count: 1 << 20).withUnsafeBytes { try write($0) }
                throw Boom()
            }
        }
        #expect(store.allObjects().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/tmp").isEmpty)
    }

    @Test func flippedByteFailsNamingTheObjectAndItsStage() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        let payload = Array(String(repeating: "graft payload ", count: 5000).utf8)
        let d = try store.put(payload)
        let key = Digest.of("some key")
        try RunIndex(store: store).record(Manifest(
            stage: "compile/dyck", key: key, profile: "smoke", params: [:], inputs: [:], outputs: ["model": d],
            tool: "t", toolExec: "t", toolCode: Digest.of("code"), wallSeconds: 1, peakMemoryBytes: 0, metrics: [:], log: nil))
        let size = (try FileManager.default.attributesOfItem(atPath: store.objectPath(d))[.size] as! NSNumber).intValue
        try flipByte(store.objectPath(d), at: size / 2)
        do {
            _ = try store.get(d)
            Issue.record("a flipped byte was not detected")
        } catch let e as StoreError {
            #expect(e.description.contains(d.hex))
            #expect(e.description.contains("compile/dyck"))
            #expect(e.description.contains("pipeline run compile/dyck"))
        }
        #expect(throws: StoreError.self) { try store.extract(d, to: dir + "/x") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x"))
    }

    @Test func truncatedOrMissingObjectsFail() throws {
        let dir = try makeTemporaryDirectory("store")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        let d = try store.put(Array(repeating: 42, count: 10000))
        chmod(store.objectPath(d), 0o644)
        truncate(store.objectPath(d), 5)
        #expect { try store.verify(d) } throws: { ($0 as? StoreError)?.description.contains("corrupt") == true }
        #expect { try store.get(Digest.of("nothing")) } throws: {
            if case .missing(let m) = $0 as? StoreError { return m.contains(Digest.of("nothing").hex) }
            return false
        }
    }
}
