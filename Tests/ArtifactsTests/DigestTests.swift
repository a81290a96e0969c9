// SHA-256 digests: known answers, hex validation, file hashing, digests of canonical JSON.
import Foundation
import JSONText
import Testing
@testable import Artifacts
import TestSupport

@Suite struct DigestTests {
    @Test func knownAnswers() throws {
        #expect(Digest.of("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.of([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let dir = try makeTemporaryDirectory()
        defer { removeTree(dir) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
        #expect(try hashFile(dir + "/f") == Digest.of("abc"))
    }

    @Test func canonicalDigestIgnoresSpelling() throws {
        let a = try parseJSON(#"{"x": 1.0, "y": [1e2, 0.50]}"#)
        let b = try parseJSON(#"{ "y":[100,0.5],"x":1 }"#)
        #expect(try Digest.of(canonical: a) == Digest.of(canonical: b))
    }

    @Test func hexValidation() {
        #expect(Digest(hex: String(repeating: "a", count: 64)) != nil)
        #expect(Digest(hex: String(repeating: "A", count: 64)) == nil)
        #expect(Digest(hex: "abc") == nil)
        #expect(Digest(hex: String(repeating: "g", count: 64)) == nil)
    }
}
