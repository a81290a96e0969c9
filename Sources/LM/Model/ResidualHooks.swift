// Residual-stream hooks: replace a block's output h by f(h), with gradients flowing through f.
// DetachAndRoll is graft's training hook (METHOD §3.2): h' = h·P + roll_batch(stopgrad(h − h·P));
// AddNoise perturbs the residual at evaluation. Legend: B batch, T positions, N = B·T, D width.
import Engine
import Support
import Tensor

public protocol ResidualHook: AnyObject {
    /// out[N, D] = f(h[N, D]) for a batch of b rows of t positions.
    func forward(_ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, b: Int, t: Int, d: Int)
    /// dh[N, D] = (∂f/∂h)ᵀ · dout[N, D] (overwrites dh); h is the hook's input of the last forward.
    func backward(_ dh: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ h: UnsafePointer<Float>,
                  b: Int, t: Int, d: Int)
}

/// h' = h·P + roll(stopgrad(h − h·P)) along the batch: row b gets row b−1's complement, row 0
/// gets the last row's (torch.roll shift +1). Backward: dh = dh'·Pᵀ.
/// At strength λ < 1 (a ramp, `--detach-and-roll-ramp`): h' = h·P + (1 − λ)(h − h·P) + λ·roll(stopgrad(h − h·P)),
/// backward dh = λ·dh'·Pᵀ + (1 − λ)·dh'; λ = 1 is the paper's hook.
/// With `source: .mean` the complement every row receives is the mean of the *other* rows'
/// complements at that position instead of row b−1's (a mean ablation: no single other example's
/// answer in it, and none of the row's own; a batch of one row gets a zero complement). Before
/// session 13 the mean included the row's own complement (weight 1/B), a leak of its own answer.
public final class DetachAndRoll: ResidualHook {
    public let projector: [Float]                // [D, D]
    public let d: Int
    public let strength: Float
    public let source: ComplementSource
    private var projected = FloatBuffer(count: 0) // [N, D] h·P
    private var mean = FloatBuffer(count: 0)      // [T, D] mean complement (source .mean)

    public init(projector: [Float], d: Int, strength: Float = 1, source: ComplementSource = .roll) {
        precondition(projector.count == d * d, "DetachAndRoll: projector has \(projector.count) values, needs \(d)×\(d)")
        precondition(strength > 0 && strength <= 1, "DetachAndRoll: strength \(strength) outside (0, 1]")
        self.projector = projector; self.d = d; self.strength = strength; self.source = source
    }

    public func forward(_ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, b: Int, t: Int, d: Int) {
        let n = b * t
        if projected.count < n * d { projected = FloatBuffer(count: n * d) }
        let hp = projected.pointer
        projector.withUnsafeBufferPointer { p in
            gemm(transA: false, transB: false, m: n, n: d, k: d, a: h, lda: d, b: p.baseAddress!, ldb: d, c: hp, ldc: d)
        }
        let rowFloats = t * d
        let lambda = strength, keep = 1 - strength
        if source == .mean {
            if mean.count < rowFloats { mean = FloatBuffer(count: rowFloats) }
            let m = mean.pointer                                  // the sum of every row's complement
            m.update(repeating: 0, count: rowFloats)
            for row in 0..<b {
                let hr = h + row * rowFloats, pr = hp + row * rowFloats
                for i in 0..<rowFloats { m[i] += hr[i] - pr[i] }
            }
            let others = b > 1 ? 1 / Float(b - 1) : 0             // leave one out: (sum − own) / (B − 1)
            for row in 0..<b {
                let o = out + row * rowFloats, hr = h + row * rowFloats, pr = hp + row * rowFloats
                for i in 0..<rowFloats {
                    let own = hr[i] - pr[i]
                    o[i] = pr[i] + keep * own + lambda * (m[i] - own) * others
                }
            }
            return
        }
        for row in 0..<b {
            let src = (row + b - 1) % b
            let o = out + row * rowFloats, hs = h + src * rowFloats, ps = hp + src * rowFloats, pr = hp + row * rowFloats
            if keep == 0 {
                for i in 0..<rowFloats { o[i] = pr[i] + (hs[i] - ps[i]) }
            } else {
                let hr = h + row * rowFloats
                for i in 0..<rowFloats { o[i] = pr[i] + keep * (hr[i] - pr[i]) + lambda * (hs[i] - ps[i]) }
            }
        }
    }

    public func backward(_ dh: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ h: UnsafePointer<Float>,
                         b: Int, t: Int, d: Int) {
        projector.withUnsafeBufferPointer { p in
            gemm(transA: false, transB: true, m: b * t, n: d, k: d, a: dout, lda: d, b: p.baseAddress!, ldb: d,
                 c: dh, ldc: d)
        }
        if strength < 1 {
            let keep = 1 - strength
            for i in 0..<(b * t * d) { dh[i] = strength * dh[i] + keep * dout[i] }
        }
    }
}

/// Where detach-and-roll's complement comes from (`--complement`).
public enum ComplementSource: String, Sendable, Codable, CaseIterable {
    /// Row b−1's (the paper).
    case roll
    /// The mean of the batch's other rows at the same position.
    case mean
}

/// h' = h + scale · z·P with z standard normal per position (seeded, fresh draws every forward);
/// P is a [D, D] projector, or nil for isotropic noise. Backward is the identity.
public final class AddNoise: ResidualHook {
    public let projector: [Float]?
    public let scale: Float
    public var rng: SeededRNG
    private var noise = FloatBuffer(count: 0)

    public init(scale: Float, projector: [Float]? = nil, seed: UInt64) {
        self.scale = scale; self.projector = projector; rng = SeededRNG(seed: seed)
    }

    public func forward(_ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, b: Int, t: Int, d: Int) {
        let n = b * t
        if noise.count < 2 * n * d { noise = FloatBuffer(count: 2 * n * d) }
        let z = noise.pointer, zp = noise.at(n * d)
        for i in 0..<(n * d) { z[i] = Float(rng.normal()) }
        if let projector {
            precondition(projector.count == d * d, "AddNoise: projector has \(projector.count) values, needs \(d)×\(d)")
            projector.withUnsafeBufferPointer { p in
                gemm(transA: false, transB: false, m: n, n: d, k: d, a: z, lda: d, b: p.baseAddress!, ldb: d, c: zp, ldc: d)
            }
        } else {
            zp.update(from: z, count: n * d)
        }
        for i in 0..<(n * d) { out[i] = h[i] + scale * zp[i] }
    }

    public func backward(_ dh: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ h: UnsafePointer<Float>,
                         b: Int, t: Int, d: Int) {
        dh.update(from: dout, count: b * t * d)
    }
}
