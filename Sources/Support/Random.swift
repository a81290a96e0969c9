// graft's one seeded random generator (xoshiro256**, seeded through SplitMix64), so that the
// same seed gives the same data, initialisation and noise on every machine and Swift version.
// Swift's SystemRandomNumberGenerator is never used where results are recorded.
import Foundation

public struct SeededRNG: RandomNumberGenerator, Sendable, Equatable, Codable {
    public private(set) var state: [UInt64]

    public init(seed: UInt64) {
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        state = [splitMix(), splitMix(), splitMix(), splitMix()]
    }

    /// Restores a generator from `state` (e.g. from a checkpoint).
    public init(state: [UInt64]) {
        precondition(state.count == 4, "SeededRNG state has 4 words")
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]; state[3] ^= state[1]; state[1] ^= state[2]; state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    /// Uniform integer in 0..<n without modulo bias (Lemire's method).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(truncatingIfNeeded: next(upperBound: UInt64(n)))
    }

    /// Uniform Float in [0, 1) with 24 random bits.
    public mutating func unitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform Double in [0, 1) with 53 random bits.
    public mutating func unitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal sample (Box–Muller, one value per call; deterministic).
    public mutating func normal() -> Double {
        var u1 = unitDouble()
        while u1 == 0 { u1 = unitDouble() }
        let u2 = unitDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A fresh generator for a named sub-stream, so adding draws in one place does not shift another.
    public func derived(_ label: String) -> SeededRNG {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a over the label, mixed with our state
        for b in label.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return SeededRNG(seed: h ^ state[0] ^ (state[2] << 1))
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
