// Linear layers y = x·Wᵀ + b in the two weight layouts loaders hand over: Llama's nn.Linear
// [O, I] and GPT-2's Conv1D [I, O]. Forward and backward side by side, all through
// `modelGemm` (fp32 sgemm, or bf16 inputs with fp32 sums where `Precision` says so).
// Legend: N tokens, I input features, O output features.
import Tensor

public enum WeightLayout: Sendable {
    case outIn    // W [O, I] (nn.Linear)
    case inOut    // W [I, O] (Conv1D)
}

/// y[N,O] = x[N,I] · W + b[O]   (b optional). `accumulate` adds into y instead of overwriting.
public func linearForward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                          _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, layout: WeightLayout,
                          n: Int, i: Int, o: Int, accumulate: Bool = false) {
    var beta: Float = accumulate ? 1 : 0
    if let b {
        for r in 0..<n { addInPlaceOrSet(y + r * o, b, o, accumulate) }
        beta = 1
    }
    modelGemm(transA: false, transB: layout == .outIn, m: n, n: o, k: i, a: x, lda: i,
         b: w, ldb: layout == .outIn ? i : o, beta: beta, c: y, ldc: o)
}

@inline(__always) private func addInPlaceOrSet(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>,
                                               _ n: Int, _ accumulate: Bool) {
    if accumulate { addInPlace(y, b, n) } else { y.update(from: b, count: n) }
}

/// dx[N,I] (+)= dy[N,O] · Wᵀ;  dW (+)= per layout;  db[O] += Σ_N dy.  dx may be nil (input needs no gradient).
/// dW and db always accumulate (gradients of a step add up over passes).
public func linearBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>,
                           db: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                           x: UnsafePointer<Float>, w: UnsafePointer<Float>, layout: WeightLayout,
                           n: Int, i: Int, o: Int, accumulateDx: Bool = false) {
    if let dx {
        // outIn: dx = dy[N,O]·W[O,I];  inOut: dx = dy[N,O]·W[I,O]ᵀ
        modelGemm(transA: false, transB: layout == .inOut, m: n, n: i, k: o, a: dy, lda: o,
             b: w, ldb: layout == .outIn ? i : o, beta: accumulateDx ? 1 : 0, c: dx, ldc: i)
    }
    switch layout {
    case .outIn:  // dW[O,I] += dyᵀ[O,N] · x[N,I]
        modelGemm(transA: true, transB: false, m: o, n: i, k: n, a: dy, lda: o, b: x, ldb: i, beta: 1, c: dw, ldc: i)
    case .inOut:  // dW[I,O] += xᵀ[I,N] · dy[N,O]
        modelGemm(transA: true, transB: false, m: i, n: o, k: n, a: x, lda: i, b: dy, ldb: o, beta: 1, c: dw, ldc: o)
    }
    if let db {
        for r in 0..<n { addInPlace(db, dy + r * o, o) }
    }
}
