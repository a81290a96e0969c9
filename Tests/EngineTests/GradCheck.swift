// Finite-difference gradient checking shared by the layer tests: a layer's output y is reduced
// to the scalar Σ r·y (r fixed random, accumulated in Double), and every analytic input gradient
// is compared with the central difference of that scalar.
import Testing

struct Rand {
    var x: UInt64
    init(_ seed: UInt64) { x = seed &* 0x9E3779B97F4A7C15 | 1 }
    mutating func next() -> Float {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        return Float(x >> 40) / Float(1 << 24) * 2 - 1
    }
    mutating func array(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in next() * scale } }
}

func weightedSum(_ y: [Float], _ r: [Float]) -> Double {
    zip(y, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}

/// Checks `analytic` against central differences of `loss` w.r.t. each entry of `input`.
func checkGradient(_ what: String, _ input: [Float], analytic: [Float], step: Float = 1e-2, tolerance: Double = 1e-2,
                   sourceLocation: SourceLocation = #_sourceLocation, loss: ([Float]) -> Double) {
    #expect(input.count == analytic.count, "\(what): gradient size", sourceLocation: sourceLocation)
    var worst = 0.0, worstIndex = -1
    var x = input
    for i in 0..<input.count {
        x[i] = input[i] + step; let lp = loss(x)
        x[i] = input[i] - step; let lm = loss(x)
        x[i] = input[i]
        let numeric = (lp - lm) / (2 * Double(step))
        let err = abs(numeric - Double(analytic[i])) / max(1, abs(numeric))
        if err > worst { worst = err; worstIndex = i }
    }
    #expect(worst < tolerance, "\(what): worst relative error \(worst) at \(worstIndex)", sourceLocation: sourceLocation)
}
