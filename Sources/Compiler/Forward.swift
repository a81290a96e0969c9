// The compiled model's forward pass in plain Swift, and decoding of the residual into
// variable values. The residual is nearly one-hot, so every product x·W skips zero entries of
// x (count's 43,200-wide MLP stays fast); W2 skips hidden units the ReLU zeroed.
// Shapes: n = positions incl. BOS, d = residual width, k = key size, h = MLP hidden size.
import RASP
import Craft

public struct ForwardResult: Sendable {
    /// Residual streams [n × d]: after the embeddings, then after each layer.
    public var residuals: [[Float]]
    public var positions: Int
}

/// x [n, d] · w [d, c] → [n, c], skipping zero x entries.
func sparseProduct(_ x: [Float], _ n: Int, _ w: Matrix) -> [Float] {
    let d = w.rows, c = w.columns
    var out = [Float](repeating: 0, count: n * c)
    w.values.withUnsafeBufferPointer { wp in
        out.withUnsafeMutableBufferPointer { op in
            for p in 0..<n {
                for i in 0..<d {
                    let a = x[p * d + i]
                    if a == 0 { continue }
                    let row = i * c, o = p * c
                    for j in 0..<c { op[o + j] += a * wp[row + j] }
                }
            }
        }
    }
    return out
}

extension CompiledModel {
    /// Token ids for an input (no BOS): BOS is prepended.
    public func tokenIDs(_ input: [Value]) throws(CompileError) -> [Int] {
        var ids: [Int] = []
        guard input.count <= maxSeqLen else { throw CompileError("input of \(input.count) tokens is longer than max_seq_len \(maxSeqLen)") }
        for t in [Value.string(bos)] + input {
            guard let i = tokens.firstIndex(of: t) else { throw CompileError("token \(t.repr) is not in the vocabulary") }
            ids.append(i)
        }
        return ids
    }

    public func forward(_ input: [Value]) throws(CompileError) -> ForwardResult {
        let ids = try tokenIDs(input)
        let n = ids.count, d = width
        var x = [Float](repeating: 0, count: n * d)          // [n, d]
        for (p, t) in ids.enumerated() {
            for j in 0..<d { x[p * d + j] = tokenEmbedding[t, j] + positionEmbedding[p, j] }
        }
        var residuals = [x]
        let scale = attentionScale
        for layer in layers {
            var delta = [Float](repeating: 0, count: n * d)
            for h in layer.heads {
                let k = keySize
                let q = sparseProduct(x, n, h.wq), kk = sparseProduct(x, n, h.wk), v = sparseProduct(x, n, h.wv)  // [n, k]
                for p in 0..<n {
                    let last = causal ? p : n - 1
                    var logits = [Float](repeating: 0, count: last + 1)
                    var top = -Float.infinity
                    for s in 0...last {
                        var dot: Float = 0
                        for j in 0..<k { dot += q[p * k + j] * kk[s * k + j] }
                        logits[s] = dot * scale
                        top = max(top, logits[s])
                    }
                    var total: Float = 0
                    for s in 0...last { logits[s] = (logits[s] - top).exponential; total += logits[s] }
                    var z = [Float](repeating: 0, count: k)   // [k]
                    for s in 0...last where logits[s] != 0 {
                        let w = logits[s] / total
                        for j in 0..<k { z[j] += w * v[s * k + j] }
                    }
                    for j in 0..<k where z[j] != 0 {
                        for c in 0..<d { delta[p * d + c] += z[j] * h.wo[j, c] }
                    }
                }
            }
            for i in 0..<(n * d) { x[i] += delta[i] }
            if let w1 = layer.w1, let w2 = layer.w2 {
                var hidden = sparseProduct(x, n, w1)   // [n, h]
                let hs = w1.columns
                for i in 0..<hidden.count where hidden[i] < 0 { hidden[i] = 0 }
                w2.values.withUnsafeBufferPointer { wp in
                    for p in 0..<n {
                        for u in 0..<hs {
                            let a = hidden[p * hs + u]
                            if a == 0 { continue }
                            let row = u * d
                            for c in 0..<d { x[p * d + c] += a * wp[row + c] }
                        }
                    }
                }
            }
            residuals.append(x)
        }
        return ForwardResult(residuals: residuals, positions: n)
    }

    /// The value of a variable at one position of a residual: categorical variables decode to
    /// the value of their largest dimension when it exceeds ½ (else None); numerical ones to
    /// their coordinate.
    public func decode(_ v: ResidualVariable, _ residual: [Float], position p: Int) -> Value? {
        let base = p * width
        if v.encoding == .numerical || v.values.allSatisfy({ $0 == nil }) {
            return .float(Double(residual[base + v.dims[0]]))
        }
        var best = 0
        for i in 1..<v.dims.count where residual[base + v.dims[i]] > residual[base + v.dims[best]] { best = i }
        return residual[base + v.dims[best]] > 0.5 ? v.values[best] : nil
    }

    /// The decoded output at each input position (BOS excluded).
    public func run(_ input: [Value]) throws(CompileError) -> [Value?] {
        let r = try forward(input)
        let out = output
        return (1..<r.positions).map { decode(out, r.residuals.last!, position: $0) }
    }
}

extension Float {
    /// e^x for the softmax (x ≤ 0), without Foundation.
    var exponential: Float {
        if self < -80 { return 0 }
        let k = (self / 0.6931472).rounded()
        let r = Double(self - k * 0.6931472)
        var term = 1.0, sum = 1.0
        for i in 1..<14 { term *= r / Double(i); sum += term }
        return Float(sum) * Float(sign: .plus, exponent: Int(k), significand: 1)
    }
}
