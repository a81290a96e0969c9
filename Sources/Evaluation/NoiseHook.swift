// The noise of the causal experiment (METHOD §5.7): at every position a standard Gaussian in
// R^D, projected onto a subspace (P, [D, D]) and rescaled to an exact L2 norm, is added to the
// residual. Unlike LM.AddNoise (a scaled projected Gaussian) the norm here is exact per position.
// Legend: B batch, T positions, N = B·T, D width.
import Engine
import Injection
import LM
import Support
import Tensor

/// h' = h + norm · zP / ‖zP‖ per position, z ~ N(0, I_D) drawn fresh for every forward (seeded).
/// norm 0 adds nothing. Backward is the identity (the noise does not depend on h).
public final class ExactNormNoise: ResidualHook {
    public let projector: [Float]   // [D, D]
    public let d: Int
    public let norm: Double
    public private(set) var rng: SeededRNG
    private var scratch = FloatBuffer(count: 0)   // [N, D] z, then [N, D] zP

    public init(projector: [Float], d: Int, norm: Double, seed: UInt64) {
        precondition(projector.count == d * d, "ExactNormNoise: projector has \(projector.count) values, needs \(d)×\(d)")
        precondition(norm >= 0 && norm.isFinite, "ExactNormNoise: norm \(norm) must be finite and ≥ 0")
        self.projector = projector; self.d = d; self.norm = norm; rng = SeededRNG(seed: seed)
    }

    /// The noise vectors for n positions, [N, D] (exposed for tests).
    public func draw(n: Int) -> [Float] {
        if scratch.count < 2 * n * d { scratch = FloatBuffer(count: 2 * n * d) }
        let z = scratch.pointer, zp = scratch.at(n * d)
        for i in 0..<(n * d) { z[i] = Float(rng.normal()) }
        projector.withUnsafeBufferPointer { p in
            gemm(transA: false, transB: false, m: n, n: d, k: d, a: z, lda: d, b: p.baseAddress!, ldb: d, c: zp, ldc: d)
        }
        for r in 0..<n {
            let v = zp + r * d
            var s = 0.0
            for j in 0..<d { s += Double(v[j]) * Double(v[j]) }
            precondition(s > 0, "ExactNormNoise: a projected Gaussian is zero (the projector is zero)")
            let f = Float(norm / s.squareRoot())
            for j in 0..<d { v[j] *= f }
        }
        return Array(UnsafeBufferPointer(start: zp, count: n * d))
    }

    public func forward(_ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, b: Int, t: Int, d: Int) {
        precondition(d == self.d, "ExactNormNoise: residual width \(d), projector made for \(self.d)")
        let n = b * t
        if norm == 0 { out.update(from: h, count: n * d); return }
        let noise = draw(n: n)
        for i in 0..<(n * d) { out[i] = h[i] + noise[i] }
    }

    public func backward(_ dh: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ h: UnsafePointer<Float>,
                         b: Int, t: Int, d: Int) {
        dh.update(from: dout, count: b * t * d)
    }
}

/// The three subspaces of the experiment, each r directions in R^D ([r, D] rows).
public enum NoiseSubspace: String, Sendable, CaseIterable {
    /// The adapter rows of the output variable (the paper's "answer subspace").
    case answer
    /// The paper's control: entries uniform in [0, 1) (strongly correlated directions).
    case uniform
    /// graft's fairer control: r orthonormal random directions.
    case orthonormal
}

/// The rows spanning `subspace`: adapter rows of `outputDims`, or random rows of the same count.
public func subspaceRows(_ subspace: NoiseSubspace, adapterRows: [Float], r: Int, d: Int, seed: UInt64) -> [Float] {
    switch subspace {
    case .answer: adapterRows
    case .uniform: uniformRandomRows(r: r, d: d, seed: seed)
    case .orthonormal: orthonormalRandomRows(r: r, d: d, seed: seed)
    }
}
