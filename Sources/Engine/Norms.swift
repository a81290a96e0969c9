// RMSNorm (Llama) and LayerNorm (GPT-2), forward and backward. Statistics per token are saved
// by the forward for the backward. Weight gradients accumulate sequentially over tokens.
// Legend: N tokens, D features.
import Foundation
import Tensor

/// y[N,D] = x · rstd · w,  rstd[N] = 1/√(mean(x²) + eps)
public func rmsNormForward(_ y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                           _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, n: Int, d: Int, eps: Float) {
    parallelFor(n, minPerThread: 16) { rows in
        for r in rows {
            let xr = x + r * d, yr = y + r * d
            let s = 1 / (dot(xr, xr, d) / Float(d) + eps).squareRoot()
            rstd[r] = s
            for j in 0..<d { yr[j] = xr[j] * s * w[j] }
        }
    }
}

/// dx[N,D] (+)= rstd·g − x·rstd³·mean(g·x), g = dy·w;  dw[D] += Σ_N dy·x·rstd
public func rmsNormBackward(dx: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
                            dy: UnsafePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                            rstd: UnsafePointer<Float>, n: Int, d: Int, accumulate: Bool) {
    parallelFor(n, minPerThread: 16) { rows in
        for r in rows {
            let xr = x + r * d, dyr = dy + r * d, dxr = dx + r * d
            let s = rstd[r]
            var gx: Float = 0
            for j in 0..<d { gx += dyr[j] * w[j] * xr[j] }
            let c = s * s * s * gx / Float(d)
            for j in 0..<d {
                let v = s * dyr[j] * w[j] - xr[j] * c
                dxr[j] = accumulate ? dxr[j] + v : v
            }
        }
    }
    for r in 0..<n {
        let xr = x + r * d, dyr = dy + r * d, s = rstd[r]
        for j in 0..<d { dw[j] += dyr[j] * xr[j] * s }
    }
}

/// y[N,D] = (x − mean) · rstd · w + b;  saves mean[N], rstd[N]
public func layerNormForward(_ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                             rstd: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                             _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, n: Int, d: Int, eps: Float) {
    parallelFor(n, minPerThread: 16) { rows in
        for r in rows {
            let xr = x + r * d, yr = y + r * d
            let m = sum(xr, d) / Float(d)
            var v: Float = 0
            for j in 0..<d { let c = xr[j] - m; v += c * c }
            let s = 1 / (v / Float(d) + eps).squareRoot()
            mean[r] = m; rstd[r] = s
            for j in 0..<d { yr[j] = (xr[j] - m) * s * w[j] + b[j] }
        }
    }
}

/// dx[N,D] (+)= rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·w, x̂ = (x − mean)·rstd;
/// dw[D] += Σ_N dy·x̂;  db[D] += Σ_N dy
public func layerNormBackward(dx: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
                              db: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                              w: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                              n: Int, d: Int, accumulate: Bool) {
    parallelFor(n, minPerThread: 16) { rows in
        for r in rows {
            let xr = x + r * d, dyr = dy + r * d, dxr = dx + r * d
            let m = mean[r], s = rstd[r]
            var gMean: Float = 0, gxMean: Float = 0
            for j in 0..<d {
                let g = dyr[j] * w[j]
                gMean += g; gxMean += g * (xr[j] - m) * s
            }
            gMean /= Float(d); gxMean /= Float(d)
            for j in 0..<d {
                let xh = (xr[j] - m) * s
                let v = s * (dyr[j] * w[j] - gMean - xh * gxMean)
                dxr[j] = accumulate ? dxr[j] + v : v
            }
        }
    }
    for r in 0..<n {
        let xr = x + r * d, dyr = dy + r * d, m = mean[r], s = rstd[r]
        for j in 0..<d { dw[j] += dyr[j] * (xr[j] - m) * s; db[j] += dyr[j] }
    }
}
