// The training losses with their gradients: softmax cross-entropy over selected positions,
// KL(teacher ‖ student) summed over positions and divided by the batch (METHOD §3.2), and the
// cosine loss 1 − cos per position (mean). Per-row losses are summed in row order afterwards,
// so results do not depend on the thread count. Legend: N rows (tokens), V vocab, C features.
import Foundation
import Tensor

/// Scratch for the row-parallel losses: two rows of V floats per chunk.
public final class LossScratch: @unchecked Sendable {
    let buffer: FloatBuffer
    let v: Int
    let chunks: Int
    /// Room for `threads` chunks (default: the current thread count).
    public init(vocab: Int, threads: Int = Threads.count) {
        v = vocab; chunks = max(threads, 1); buffer = FloatBuffer(count: 2 * vocab * chunks)
    }
    func rows(_ chunk: Int) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        (buffer.at(2 * chunk * v), buffer.at((2 * chunk + 1) * v))
    }
}

/// Mean over rows with target ≥ 0 of −log softmax(logits)[target]; targets < 0 are ignored.
/// dlogits[N,V] (may alias logits) = weight · (softmax − onehot) / selected, 0 on ignored rows.
/// Returns (loss, selected). With no selected row the loss is 0 and the gradient 0.
@discardableResult
public func crossEntropyForwardBackward(logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                                        dlogits: UnsafeMutablePointer<Float>?, n: Int, v: Int,
                                        weight: Float = 1) -> (loss: Float, selected: Int) {
    var selected = 0
    for r in 0..<n where targets[r] >= 0 { precondition(Int(targets[r]) < v, "cross-entropy: target \(targets[r]) ≥ vocab \(v)"); selected += 1 }
    var rowLoss = [Float](repeating: 0, count: n)
    let g = selected == 0 ? 0 : weight / Float(selected)
    rowLoss.withUnsafeMutableBufferPointer { lossRows in
        let lossRows = lossRows.baseAddress!
        parallelFor(n, minPerThread: 4) { rows in
            for r in rows {
                let x = logits + r * v
                let target = Int(targets[r])
                guard target >= 0 else {
                    dlogits?.advanced(by: r * v).update(repeating: 0, count: v)
                    continue
                }
                let m = maximum(x, v)
                let xt = x[target]
                if let dlogits {
                    let d = dlogits + r * v
                    let z = expShifted(x, shift: m, into: d, v)
                    lossRows[r] = Foundation.log(z) + m - xt
                    scale(d, g / z, v)
                    d[target] -= g
                } else {
                    var z: Float = 0
                    for j in 0..<v { z += Foundation.exp(x[j] - m) }
                    lossRows[r] = Foundation.log(z) + m - xt
                }
            }
        }
    }
    var total: Float = 0
    for r in 0..<n { total += rowLoss[r] }
    return (selected == 0 ? 0 : total / Float(selected), selected)
}

/// KL(teacher ‖ student) = Σ_rows Σ_v p_t (log p_t − log p_s) / batch.
/// dstudent[N,V] (may alias student) = weight · (p_s − p_t) / batch.
@discardableResult
public func klDivergenceForwardBackward(teacher: UnsafePointer<Float>, student: UnsafePointer<Float>,
                                        dstudent: UnsafeMutablePointer<Float>?, n: Int, v: Int, batch: Int,
                                        scratch: LossScratch, weight: Float = 1) -> Float {
    precondition(scratch.v == v, "klDivergence: scratch is for vocab \(scratch.v), not \(v)")
    precondition(chunkCount(n, minPerThread: 4) <= scratch.chunks,
                 "klDivergence: scratch made for \(scratch.chunks) threads, now \(Threads.count): make a new LossScratch")
    var rowLoss = [Float](repeating: 0, count: n)
    let g = weight / Float(batch)
    rowLoss.withUnsafeMutableBufferPointer { lossRows in
        let lossRows = lossRows.baseAddress!
        parallelChunks(n, minPerThread: 4) { chunk, rows in
            let (et, es) = scratch.rows(chunk)
            for r in rows {
                let t = teacher + r * v, s = student + r * v
                let mt = maximum(t, v), ms = maximum(s, v)
                let zt = expShifted(t, shift: mt, into: et, v)
                let zs = expShifted(s, shift: ms, into: es, v)
                // Σ p_t (t − s) − (mt + log zt) + (ms + log zs), using Σ p_t = 1
                var cross: Float = 0
                for j in 0..<v { cross += et[j] * (t[j] - s[j]) }
                lossRows[r] = cross / zt - (mt + Foundation.log(zt)) + (ms + Foundation.log(zs))
                if let dstudent {
                    let d = dstudent + r * v, a = g / zs, b = g / zt
                    for j in 0..<v { d[j] = a * es[j] - b * et[j] }
                }
            }
        }
    }
    var total: Float = 0
    for r in 0..<n { total += rowLoss[r] }
    return total / Float(batch)
}

/// Mean over rows of 1 − cos(a_n, c_n), cos = a·c / (max(|a|, ε)·max(|c|, ε)), ε = 1e-8 (as torch).
/// da[N,C] (+)= weight · ∂loss/∂a (accumulate when `accumulate`).
@discardableResult
public func cosineLossForwardBackward(a: UnsafePointer<Float>, c: UnsafePointer<Float>,
                                      da: UnsafeMutablePointer<Float>?, n: Int, features: Int,
                                      weight: Float = 1, accumulate: Bool = false) -> Float {
    let eps: Float = 1e-8
    var rowLoss = [Float](repeating: 0, count: n)
    rowLoss.withUnsafeMutableBufferPointer { lossRows in
        let lossRows = lossRows.baseAddress!
        parallelFor(n, minPerThread: 16) { rows in
            for r in rows {
                let ar = a + r * features, cr = c + r * features
                let na = dot(ar, ar, features).squareRoot(), nc = dot(cr, cr, features).squareRoot()
                let ac = dot(ar, cr, features)
                let ua = Swift.max(na, eps), uc = Swift.max(nc, eps)
                let cosv = ac / (ua * uc)
                lossRows[r] = 1 - cosv
                guard let da else { continue }
                // ∂(−cos)/∂a = −c/(ua·uc) + cos·a/ua² (second term only where |a| > ε)
                let g = weight / Float(n)
                let k1 = -g / (ua * uc), k2 = na > eps ? g * cosv / (ua * ua) : 0
                let dr = da + r * features
                for j in 0..<features {
                    let v = k1 * cr[j] + k2 * ar[j]
                    dr[j] = accumulate ? dr[j] + v : v
                }
            }
        }
    }
    var total: Float = 0
    for r in 0..<n { total += rowLoss[r] }
    return total / Float(n)
}
