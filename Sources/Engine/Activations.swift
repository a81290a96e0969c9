// The MLP non-linearities: SwiGLU (Llama: silu(gate) · up) and GELU with GPT-2's tanh
// approximation, forward and backward. Legend: N tokens, F hidden width, n = N·F elements.
import Foundation
import Tensor

@inline(__always) private func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
@inline(__always) private func sigmoid16(_ x: SIMD16<Float>) -> SIMD16<Float> { 1 / (1 + exp16(-x)) }

/// h[n] = silu(gate[n]) · up[n]
public func swigluForward(_ h: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, _ n: Int) {
    parallelFor(n, minPerThread: 4096) { r in
        var i = r.lowerBound
        while i + 16 <= r.upperBound {
            let g = load16(gate + i)
            store16(g * sigmoid16(g) * load16(up + i), h + i)
            i += 16
        }
        while i < r.upperBound { let g = gate[i]; h[i] = g * sigmoid(g) * up[i]; i += 1 }
    }
}

/// dgate[n] = dh · up · σ(g)(1 + g(1 − σ(g)));  dup[n] = dh · silu(g)
public func swigluBackward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
                           dh: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, _ n: Int) {
    parallelFor(n, minPerThread: 4096) { r in
        var i = r.lowerBound
        while i + 16 <= r.upperBound {
            let g = load16(gate + i), sg = sigmoid16(g), d = load16(dh + i)
            store16(d * g * sg, dup + i)
            store16(d * load16(up + i) * sg * (1 + g * (1 - sg)), dgate + i)
            i += 16
        }
        while i < r.upperBound {
            let g = gate[i], sg = sigmoid(g), d = dh[i]
            dup[i] = d * g * sg
            dgate[i] = d * up[i] * sg * (1 + g * (1 - sg))
            i += 1
        }
    }
}

private let geluC: Float = (2 / Float.pi).squareRoot()

/// y[n] = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
public func geluForward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    parallelFor(n, minPerThread: 4096) { r in
        for i in r {
            let v = x[i]
            y[i] = 0.5 * v * (1 + Foundation.tanh(geluC * (v + 0.044715 * v * v * v)))
        }
    }
}

/// dx[n] = dy · gelu'(x)
public func geluBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>, _ n: Int) {
    parallelFor(n, minPerThread: 4096) { r in
        for i in r {
            let v = x[i]
            let u = geluC * (v + 0.044715 * v * v * v)
            let th = Foundation.tanh(u)
            let sech2 = 1 - th * th
            dx[i] = dy[i] * (0.5 * (1 + th) + 0.5 * v * sech2 * geluC * (1 + 3 * 0.044715 * v * v))
        }
    }
}
