// Causal multi-head attention with grouped key/value heads (query head h reads kv head
// h / (H/K)), forward and backward, with register-blocked SIMD loops over each (batch, head) pair:
// at T ≈ 70 and E = 64, thousands of tiny serialised sgemm calls cost more than the arithmetic.
// Queries may be a suffix of the keys (KV cache): query i sees keys j ≤ i + (Tk − Tq).
// Legend: B batch, Tq query positions, Tk key positions, H query heads, K kv heads, E head dim.
import Foundation
import Tensor

public struct AttentionShape: Sendable {
    public var b: Int, tq: Int, tk: Int, heads: Int, kvHeads: Int, headDim: Int
    /// rows between batch rows of k/v (≥ tk; the KV cache keeps room for later positions)
    public var kvBatchRows: Int
    public init(b: Int, tq: Int, tk: Int, heads: Int, kvHeads: Int, headDim: Int, kvBatchRows: Int? = nil) {
        self.b = b; self.tq = tq; self.tk = tk; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
        self.kvBatchRows = kvBatchRows ?? tk
    }
}

/// out[B·Tq, H·E] = softmax(q·kᵀ/√E + causal mask) · v;  saves probs[B,H,Tq,Tk].
/// q [B·Tq, H·E], k and v [B·kvBatchRows, K·E]. The (batch, head) pairs run in parallel, each
/// pair on one thread in a fixed order, so results do not depend on the thread count.
public func attentionForward(_ out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             shape s: AttentionShape) {
    let e = s.headDim, he = s.heads * e, ke = s.kvHeads * e, group = s.heads / s.kvHeads
    let scale = 1 / Float(e).squareRoot()
    let shift = s.tk - s.tq, ldT = (s.tk + 15) / 16 * 16
    parallelFor(s.b * s.heads) { pairs in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: e * ldT + ldT) { buffer in
            let kT = buffer.baseAddress!, scores = kT + e * ldT                // kᵀ [E, ldT], one score row
            for pair in pairs {
                let b = pair / s.heads, h = pair % s.heads
                let kb = k + b * s.kvBatchRows * ke + (h / group) * e
                let vb = v + b * s.kvBatchRows * ke + (h / group) * e
                transpose(kb, rows: s.tk, cols: e, ld: ke, into: kT, ldT: ldT)
                let p = probs + pair * s.tq * s.tk                             // [Tq, Tk]
                for i in 0..<s.tq {
                    let row = b * s.tq + i, pr = p + i * s.tk, visible = i + shift + 1
                    transposedDots(q + row * he + h * e, kT, ldT: ldT, e: e, n: visible, into: scores)
                    for j in 0..<visible { pr[j] = scale * scores[j] }
                    let m = maximum(pr, visible)
                    let z = expShifted(pr, shift: m, into: pr, visible)
                    scale1(pr, 1 / z, visible)
                    (pr + visible).update(repeating: 0, count: s.tk - visible)
                    weightedRowSum(out + row * he + h * e, coeffs: pr, coeffStride: 1, rows: vb, rowStride: ke,
                                   0..<visible, e: e)
                }
            }
        }
    }
}

@inline(__always) private func scale1(_ x: UnsafeMutablePointer<Float>, _ s: Float, _ n: Int) { scale(x, s, n) }

/// From dout[B·Tq, H·E]: dq[B·Tq, H·E] (overwritten), dk, dv [B·Tk, K·E] (overwritten).
/// Self-attention only (Tq == Tk, kvBatchRows == Tk). The (batch, kv head) pairs run in parallel:
/// each owns its slices of dk and dv and walks its query heads and positions in a fixed order.
public func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                              dv: UnsafeMutablePointer<Float>,
                              dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                              v: UnsafePointer<Float>, probs: UnsafePointer<Float>, shape s: AttentionShape) {
    precondition(s.tq == s.tk && s.kvBatchRows == s.tk, "attentionBackward: self-attention shapes only")
    let t = s.tq, e = s.headDim, he = s.heads * e, ke = s.kvHeads * e, group = s.heads / s.kvHeads
    let scale = 1 / Float(e).squareRoot(), ldT = (t + 15) / 16 * 16
    parallelFor(s.b * s.kvHeads) { pairs in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: e * ldT + t * t + ldT) { buffer in
            let vT = buffer.baseAddress!, ds = vT + e * ldT, dp = ds + t * t  // vᵀ [E, ldT], dS [T, T], one dp row
            for pair in pairs {
                let b = pair / s.kvHeads, g = pair % s.kvHeads
                let kvb = b * t * ke + g * e                                   // this pair's kv slice
                transpose(v + kvb, rows: t, cols: e, ld: ke, into: vT, ldT: ldT)
                for j in 0..<t {
                    (dk + kvb + j * ke).update(repeating: 0, count: e)
                    (dv + kvb + j * ke).update(repeating: 0, count: e)
                }
                for h in (g * group)..<((g + 1) * group) {
                    let p = probs + (b * s.heads + h) * t * t                  // [T, T]
                    let qh = q + b * t * he + h * e, dOh = dout + b * t * he + h * e, dqh = dq + b * t * he + h * e
                    // dS_ij = P_ij (dP_ij − Σ_j P_ij dP_ij), dP_ij = dO_i · v_j  (zero above the diagonal)
                    for i in 0..<t {
                        let pr = p + i * t, dsr = ds + i * t, visible = i + 1
                        transposedDots(dOh + i * he, vT, ldT: ldT, e: e, n: visible, into: dp)
                        let c = dot(pr, dp, visible)
                        for j in 0..<visible { dsr[j] = pr[j] * (dp[j] - c) }
                        (dsr + visible).update(repeating: 0, count: t - visible)
                    }
                    for i in 0..<t {   // dq_i = scale Σ_{j ≤ i} dS_ij k_j
                        weightedRowSum(dqh + i * he, coeffs: ds + i * t, coeffStride: 1, rows: k + kvb, rowStride: ke,
                                       0..<(i + 1), e: e, scale: scale)
                    }
                    for j in 0..<t {   // dk_j += scale Σ_{i ≥ j} dS_ij q_i;  dv_j += Σ_{i ≥ j} P_ij dO_i
                        weightedRowSum(dk + kvb + j * ke, coeffs: ds + j, coeffStride: t, rows: qh, rowStride: he,
                                       j..<t, e: e, scale: scale, accumulate: true)
                        weightedRowSum(dv + kvb + j * ke, coeffs: p + j, coeffStride: t, rows: dOh, rowStride: he,
                                       j..<t, e: e, accumulate: true)
                    }
                }
            }
        }
    }
}

// MARK: - The inner loops (vector accumulators stay in registers; E need not be a multiple of 16)

/// xT[c·ldT + r] = x[r·ld + c] for r < rows, c < cols.
@inline(__always) private func transpose(_ x: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int,
                                         into xT: UnsafeMutablePointer<Float>, ldT: Int) {
    for r in 0..<rows { for c in 0..<cols { xT[c * ldT + r] = x[r * ld + c] } }
}

/// out[j] = Σ_c x[c] · xT[c·ldT + j] for j < n (16 columns at a time; out has room for n rounded up to 16).
@inline(__always) private func transposedDots(_ x: UnsafePointer<Float>, _ xT: UnsafePointer<Float>, ldT: Int,
                                              e: Int, n: Int, into out: UnsafeMutablePointer<Float>) {
    var j = 0
    while j < n {
        var acc = SIMD16<Float>(repeating: 0)
        for c in 0..<e { acc += x[c] * load16(xT + c * ldT + j) }
        store16(acc, out + j)
        j += 16
    }
}

/// out[0..<e] (+)= scale · Σ_{r ∈ range} coeffs[r·coeffStride] · rows[r·rowStride + 0..<e].
@inline(__always) private func weightedRowSum(_ out: UnsafeMutablePointer<Float>, coeffs: UnsafePointer<Float>,
                                              coeffStride: Int, rows: UnsafePointer<Float>, rowStride: Int,
                                              _ range: Range<Int>, e: Int, scale: Float = 1, accumulate: Bool = false) {
    var c = 0
    while c + 32 <= e {
        var a0 = SIMD16<Float>(repeating: 0), a1 = SIMD16<Float>(repeating: 0)
        for r in range {
            let w = coeffs[r * coeffStride], row = rows + r * rowStride + c
            a0 += w * load16(row); a1 += w * load16(row + 16)
        }
        a0 *= scale; a1 *= scale
        if accumulate { a0 += load16(out + c); a1 += load16(out + c + 16) }
        store16(a0, out + c); store16(a1, out + c + 16)
        c += 32
    }
    while c < e {
        var a: Float = 0
        for r in range { a += coeffs[r * coeffStride] * rows[r * rowStride + c] }
        out[c] = accumulate ? out[c] + scale * a : scale * a
        c += 1
    }
}
