// What several test targets need alike (a plain library target that only test targets link):
// one way to make a scratch directory, read a fixture and seed a fuzz test, instead of a copy per target.
import Foundation

/// A new, empty directory `<system tmp>/graft-<label>-<UUID>`, unique to this call: the suites
/// run in parallel, so no two tests ever share one.
public func makeTemporaryDirectory(_ label: String = "test") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("graft-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// SplitMix64: a tiny seeded generator for fuzz tests, so that every run makes the same variants.
public struct SplitMix64 {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform enough in 0..<n for picking bytes and positions (0 when n ≤ 1).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// What a test could not read.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
}

/// The UTF-8 text of a file the test needs (a fixture, a program of stages/programs); an
/// unreadable file is an error naming it, never an empty string that a test would take for content.
public func readTextFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FixtureError(description: "cannot read \(path) (the test needs it; run the tests from a full checkout)")
    }
    return String(decoding: data, as: UTF8.self)
}
