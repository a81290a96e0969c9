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

/// A matrix stored by rows, nonzeros only (compiled weights are very sparse: a pair unit reads
/// three directions, a table unit writes one).
struct SparseRows: Sendable {
    var columns: Int
    var rowStart: [Int]      // [rows + 1]
    var index: [Int32]       // column of each nonzero
    var value: [Float]

    init(_ m: Matrix) {
        columns = m.columns
        rowStart = [0]
        index = []
        value = []
        for r in 0..<m.rows {
            let base = r * m.columns
            for c in 0..<m.columns where m.values[base + c] != 0 {
                index.append(Int32(c))
                value.append(m.values[base + c])
            }
            rowStart.append(index.count)
        }
    }

    /// x [n, rows] · self → [n, columns], skipping zero entries of x.
    func product(_ x: [Float], _ n: Int) -> [Float] {
        let rows = rowStart.count - 1
        var out = [Float](repeating: 0, count: n * columns)
        out.withUnsafeMutableBufferPointer { o in
            index.withUnsafeBufferPointer { ix in
                value.withUnsafeBufferPointer { vx in
                    for p in 0..<n {
                        for i in 0..<rows {
                            let a = x[p * rows + i]
                            if a == 0 { continue }
                            let ob = p * columns
                            for t in rowStart[i]..<rowStart[i + 1] { o[ob + Int(ix[t])] += a * vx[t] }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// A compiled model prepared for repeated forward passes (sparse copies of every matrix).
public struct ModelRunner: Sendable {
    public let model: CompiledModel
    let heads: [[(q: SparseRows, k: SparseRows, v: SparseRows, o: SparseRows)]]
    let mlps: [(SparseRows, SparseRows)?]

    public init(_ model: CompiledModel) {
        self.model = model
        heads = model.layers.map { l in l.heads.map { (SparseRows($0.wq), SparseRows($0.wk), SparseRows($0.wv), SparseRows($0.wo)) } }
        mlps = model.layers.map { l in l.w1.flatMap { w1 in l.w2.map { (SparseRows(w1), SparseRows($0)) } } }
    }

    public func forward(_ input: [Value]) throws(CompileError) -> ForwardResult {
        let ids = try model.tokenIDs(input)
        let n = ids.count, d = model.width, k = model.keySize
        var x = [Float](repeating: 0, count: n * d)          // [n, d]
        for (p, t) in ids.enumerated() {
            for j in 0..<d { x[p * d + j] = model.tokenEmbedding[t, j] + model.positionEmbedding[p, j] }
        }
        var residuals = [x]
        let scale = model.attentionScale
        for (layerIndex, layerHeads) in heads.enumerated() {
            var z = [Float](repeating: 0, count: n * k)       // per head, [n, k]
            var delta = [Float](repeating: 0, count: n * d)   // [n, d]
            for h in layerHeads {
                let q = h.q.product(x, n), kk = h.k.product(x, n), v = h.v.product(x, n)  // [n, k]
                for i in 0..<z.count { z[i] = 0 }
                for p in 0..<n {
                    let last = model.causal ? p : n - 1
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
                    for s in 0...last where logits[s] != 0 {
                        let w = logits[s] / total
                        for j in 0..<k { z[p * k + j] += w * v[s * k + j] }
                    }
                }
                let out = h.o.product(z, n)
                for i in 0..<(n * d) { delta[i] += out[i] }
            }
            for i in 0..<(n * d) { x[i] += delta[i] }
            if let (w1, w2) = mlps[layerIndex] {
                var hidden = w1.product(x, n)   // [n, h]
                for i in 0..<hidden.count where hidden[i] < 0 { hidden[i] = 0 }
                let out = w2.product(hidden, n)
                for i in 0..<(n * d) { x[i] += out[i] }
            }
            residuals.append(x)
        }
        return ForwardResult(residuals: residuals, positions: n)
    }

    /// The decoded output at each input position (BOS excluded).
    public func run(_ input: [Value]) throws(CompileError) -> [Value?] {
        let r = try forward(input)
        let out = model.output
        return (1..<r.positions).map { model.decode(out, r.residuals.last!, position: $0) }
    }
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

    /// The decoded output at each input position (one-off; use ModelRunner for many inputs).
    public func run(_ input: [Value]) throws(CompileError) -> [Value?] { try ModelRunner(self).run(input) }
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
