// Token (and learned position) embeddings, forward and backward. Token ids are checked by
// the model before they get here. Legend: B batch, T positions, N = B·T tokens, D width, V vocab.
import Tensor

/// out[N,D] = wte[ids[n]] (+ wpe[t] when positions are given; t = n mod T + positionOffset)
public func embeddingForward(_ out: UnsafeMutablePointer<Float>, ids: UnsafePointer<Int32>,
                             wte: UnsafePointer<Float>, wpe: UnsafePointer<Float>?, b: Int, t: Int, d: Int,
                             positionOffset: Int = 0) {
    for n in 0..<(b * t) {
        let row = out + n * d
        row.update(from: wte + Int(ids[n]) * d, count: d)
        if let wpe { addInPlace(row, wpe + (n % t + positionOffset) * d, d) }
    }
}

/// dwte[V,D] += dout rows at ids;  dwpe[T,D] += dout rows by position (sequential: deterministic)
public func embeddingBackward(dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>?,
                              dout: UnsafePointer<Float>, ids: UnsafePointer<Int32>, b: Int, t: Int, d: Int) {
    for n in 0..<(b * t) {
        addInPlace(dwte + Int(ids[n]) * d, dout + n * d, d)
        if let dwpe { addInPlace(dwpe + (n % t) * d, dout + n * d, d) }
    }
}
