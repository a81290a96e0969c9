// Manifests round-trip through the store; the run index maps keys to them.
import Testing
@testable import Artifacts
import TestSupport

@Suite struct ManifestTests {
    @Test func recordsAndRestoresRuns() throws {
        let dir = try makeTemporaryDirectory("manifest")
        defer { removeTree(dir) }
        let store = try Store(root: dir)
        let out = try store.put(Array("model".utf8))
        let m = Manifest(stage: "a/b", key: Digest.of("k"), profile: "default", params: ["n": 3, "lr": 0.001],
                         inputs: ["x": (Digest.of("x"), "stages/x.txt")], outputs: ["model": out], tool: "tool",
                         toolExec: "bin/tool", toolCode: Digest.of("code"), wallSeconds: 1.25, peakMemoryBytes: 1 << 20,
                         metrics: ["acc": 0.5], log: nil)
        let index = RunIndex(store: store)
        #expect(try index.manifest(for: m.key) == nil)
        try index.record(m)
        #expect(try index.manifest(for: m.key) == m)
        #expect(index.allKeys() == [m.key])
        #expect(index.stagesProducing(out).map(\.stage) == ["a/b"])
    }

    @Test func rejectsOtherFormats() throws {
        #expect(throws: StoreError.self) { try Manifest(json: ["format": "graft-manifest", "version": 9]) }
        #expect(throws: StoreError.self) { try Manifest(json: ["format": "something", "version": 1]) }
    }
}
