// Deterministic test values shared by the Tensor suites.
enum TestValues {
    /// n values k/divisor for integers k in [-1000, 1000], the same for the same seed.
    static func random(_ n: Int, seed: Int, divisor: Float = 1000) -> [Float] {
        var x = UInt64(seed) &* 0x9E3779B97F4A7C15
        return (0..<n).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(x >> 40) % 2001 - 1000) / divisor
        }
    }
}
