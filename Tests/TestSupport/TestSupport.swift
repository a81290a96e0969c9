// What several test targets need alike (a plain library target that only test targets link):
// one way to make a scratch directory and one seeded generator for fuzz tests, instead of a copy per target.
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
    /// Uniform enough in 0..<n for picking bytes and positions.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
