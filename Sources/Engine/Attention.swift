// Causal multi-head attention with grouped key/value heads (query head h reads kv head
// h / (H/K)), forward and backward, one sgemm per (batch, head) for scores and for values.
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
/// q [B·Tq, H·E], k and v [B·kvBatchRows, K·E].
public func attentionForward(_ out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             shape s: AttentionShape) {
    let he = s.heads * s.headDim, ke = s.kvHeads * s.headDim, group = s.heads / s.kvHeads
    let scale = 1 / Float(s.headDim).squareRoot()
    let shift = s.tk - s.tq
    for b in 0..<s.b {
        for h in 0..<s.heads {
            let qb = q + b * s.tq * he + h * s.headDim
            let kb = k + b * s.kvBatchRows * ke + (h / group) * s.headDim
            let vb = v + b * s.kvBatchRows * ke + (h / group) * s.headDim
            let p = probs + (b * s.heads + h) * s.tq * s.tk                  // [Tq, Tk]
            gemm(transA: false, transB: true, m: s.tq, n: s.tk, k: s.headDim, alpha: scale,
                 a: qb, lda: he, b: kb, ldb: ke, c: p, ldc: s.tk)
            for i in 0..<s.tq {
                let row = p + i * s.tk, visible = i + shift + 1
                let m = maximum(row, visible)
                let z = expShifted(row, shift: m, into: row, visible)
                scale1(row, 1 / z, visible)
                (row + visible).update(repeating: 0, count: s.tk - visible)
            }
            gemm(transA: false, transB: false, m: s.tq, n: s.headDim, k: s.tk, a: p, lda: s.tk,
                 b: vb, ldb: ke, c: out + b * s.tq * he + h * s.headDim, ldc: he)
        }
    }
}

@inline(__always) private func scale1(_ x: UnsafeMutablePointer<Float>, _ s: Float, _ n: Int) { scale(x, s, n) }

/// From dout[B·Tq, H·E]: dq[B·Tq, H·E] (overwritten), dk, dv [B·Tk, K·E] (overwritten).
/// `scratch` holds Tq·Tk floats. Self-attention only (Tq == Tk, kvBatchRows == Tk).
public func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                              dv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                              dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                              v: UnsafePointer<Float>, probs: UnsafePointer<Float>, shape s: AttentionShape) {
    precondition(s.tq == s.tk && s.kvBatchRows == s.tk, "attentionBackward: self-attention shapes only")
    let t = s.tq, he = s.heads * s.headDim, ke = s.kvHeads * s.headDim, group = s.heads / s.kvHeads
    let scale = 1 / Float(s.headDim).squareRoot()
    dk.update(repeating: 0, count: s.b * t * ke)
    dv.update(repeating: 0, count: s.b * t * ke)
    for b in 0..<s.b {
        for h in 0..<s.heads {
            let off = b * t * he + h * s.headDim, kvOff = b * t * ke + (h / group) * s.headDim
            let p = probs + (b * s.heads + h) * t * t                     // [T, T]
            let dO = dout + off
            // dv[T,E] += pᵀ · dO
            gemm(transA: true, transB: false, m: t, n: s.headDim, k: t, a: p, lda: t, b: dO, ldb: he,
                 beta: 1, c: dv + kvOff, ldc: ke)
            // dp[T,T] = dO · vᵀ
            gemm(transA: false, transB: true, m: t, n: t, k: s.headDim, a: dO, lda: he, b: v + kvOff, ldb: ke,
                 c: scratch, ldc: t)
            // ds = p ⊙ (dp − Σ_j p·dp)   (in scratch)
            for i in 0..<t {
                let pr = p + i * t, dr = scratch + i * t
                let c = dot(pr, dr, i + 1)
                for j in 0...i { dr[j] = pr[j] * (dr[j] - c) }
                (dr + i + 1).update(repeating: 0, count: t - i - 1)
            }
            // dq[T,E] = scale · ds · k;  dk[T,E] += scale · dsᵀ · q
            gemm(transA: false, transB: false, m: t, n: s.headDim, k: t, alpha: scale, a: scratch, lda: t,
                 b: k + kvOff, ldb: ke, c: dq + off, ldc: he)
            gemm(transA: true, transB: false, m: t, n: s.headDim, k: t, alpha: scale, a: scratch, lda: t,
                 b: q + off, ldb: he, beta: 1, c: dk + kvOff, ldc: ke)
        }
    }
}
