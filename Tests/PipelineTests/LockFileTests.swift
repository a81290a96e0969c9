// pipeline.lock: canonical round trip; a damaged lock is an error naming the file and key.
import Testing
@testable import Pipeline

@Suite struct LockFileTests {
    @Test func roundTripAndErrors() throws {
        var lock = LockFile()
        let d = Digest.of("x")
        lock.stages["a/b"] = LockEntry(key: d, profile: "smoke", toolCode: d, command: d, params: d, inputs: ["i": d],
                                       outputs: ["o": d], manifest: d, metrics: ["acc": 0.25])
        let text = String(decoding: lock.bytes, as: UTF8.self)
        #expect(try LockFile(text: text, source: "pipeline.lock") == lock)
        #expect(text.hasPrefix("{\n  \"format\": \"graft-pipeline-lock\",\n  \"stages\": {\n    \"a/b\": {"))
        #expect { try LockFile(text: text.replacingOccurrences(of: "\"key\": \"\(d.hex)\"", with: "\"key\": \"zz\""), source: "HEAD:pipeline.lock") }
            throws: { "\($0)".contains("HEAD:pipeline.lock: stages.a/b.key is missing or not a SHA-256") }
        #expect { try LockFile(text: "{", source: "pipeline.lock") } throws: { "\($0)".hasPrefix("pipeline.lock:1:2: syntax error") }
    }
}
