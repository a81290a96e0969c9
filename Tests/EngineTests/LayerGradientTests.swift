// Every layer's backward against finite differences of its forward (tiny shapes): linear in
// both layouts, RMSNorm, LayerNorm, embedding, RoPE, grouped-K/V causal attention, SwiGLU, GELU.
import Foundation
import Testing
import Engine
import Tensor

@Suite struct LayerGradientTests {
    @Test(arguments: [WeightLayout.outIn, .inOut])
    func linear(_ layout: WeightLayout) {
        let n = 3, i = 4, o = 5
        var g = Rand(1)
        let x = g.array(n * i), w = g.array(i * o), b = g.array(o), r = g.array(n * o)
        func fwd(_ x: [Float], _ w: [Float], _ b: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: n * o)
            linearForward(&y, x, w, b, layout: layout, n: n, i: i, o: o)
            return y
        }
        var dx = [Float](repeating: 0, count: n * i), dw = [Float](repeating: 0, count: i * o), db = [Float](repeating: 0, count: o)
        linearBackward(dx: &dx, dw: &dw, db: &db, dy: r, x: x, w: w, layout: layout, n: n, i: i, o: o)
        checkGradient("linear dx", x, analytic: dx) { weightedSum(fwd($0, w, b), r) }
        checkGradient("linear dw", w, analytic: dw) { weightedSum(fwd(x, $0, b), r) }
        checkGradient("linear db", b, analytic: db) { weightedSum(fwd(x, w, $0), r) }
    }

    @Test func rmsNorm() {
        let n = 3, d = 8
        var g = Rand(2)
        let x = g.array(n * d), w = g.array(d), r = g.array(n * d)
        func fwd(_ x: [Float], _ w: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: n * d), s = [Float](repeating: 0, count: n)
            rmsNormForward(&y, rstd: &s, x, w, n: n, d: d, eps: 1e-5)
            return y
        }
        var y = [Float](repeating: 0, count: n * d), s = [Float](repeating: 0, count: n)
        rmsNormForward(&y, rstd: &s, x, w, n: n, d: d, eps: 1e-5)
        var dx = [Float](repeating: 0, count: n * d), dw = [Float](repeating: 0, count: d)
        rmsNormBackward(dx: &dx, dw: &dw, dy: r, x: x, w: w, rstd: s, n: n, d: d, accumulate: false)
        checkGradient("rmsnorm dx", x, analytic: dx, step: 1e-3) { weightedSum(fwd($0, w), r) }
        checkGradient("rmsnorm dw", w, analytic: dw, step: 1e-3) { weightedSum(fwd(x, $0), r) }
    }

    @Test func layerNorm() {
        let n = 3, d = 8
        var g = Rand(3)
        let x = g.array(n * d), w = g.array(d), b = g.array(d), r = g.array(n * d)
        func fwd(_ x: [Float], _ w: [Float], _ b: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: n * d), m = [Float](repeating: 0, count: n), s = m
            layerNormForward(&y, mean: &m, rstd: &s, x, w, b, n: n, d: d, eps: 1e-5)
            return y
        }
        var y = [Float](repeating: 0, count: n * d), m = [Float](repeating: 0, count: n), s = m
        layerNormForward(&y, mean: &m, rstd: &s, x, w, b, n: n, d: d, eps: 1e-5)
        var dx = [Float](repeating: 0, count: n * d), dw = [Float](repeating: 0, count: d), db = dw
        layerNormBackward(dx: &dx, dw: &dw, db: &db, dy: r, x: x, w: w, mean: m, rstd: s, n: n, d: d, accumulate: false)
        checkGradient("layernorm dx", x, analytic: dx, step: 1e-3) { weightedSum(fwd($0, w, b), r) }
        checkGradient("layernorm dw", w, analytic: dw, step: 1e-3) { weightedSum(fwd(x, $0, b), r) }
        checkGradient("layernorm db", b, analytic: db, step: 1e-3) { weightedSum(fwd(x, w, $0), r) }
    }

    @Test func embedding() {
        let b = 2, t = 3, d = 4, v = 5
        var g = Rand(4)
        let wte = g.array(v * d), wpe = g.array(t * d), r = g.array(b * t * d)
        let ids: [Int32] = [1, 4, 1, 0, 2, 4]
        func fwd(_ wte: [Float], _ wpe: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: b * t * d)
            embeddingForward(&y, ids: ids, wte: wte, wpe: wpe, b: b, t: t, d: d)
            return y
        }
        var dwte = [Float](repeating: 0, count: v * d), dwpe = [Float](repeating: 0, count: t * d)
        embeddingBackward(dwte: &dwte, dwpe: &dwpe, dout: r, ids: ids, b: b, t: t, d: d)
        checkGradient("embedding dwte", wte, analytic: dwte) { weightedSum(fwd($0, wpe), r) }
        checkGradient("embedding dwpe", wpe, analytic: dwpe) { weightedSum(fwd(wte, $0), r) }
    }

    @Test func ropeRotatesHalvesAndBackwardIsTranspose() {
        let b = 2, t = 5, heads = 2, e = 4
        let table = RoPETable(headDim: e, positions: 16, theta: 10_000)
        var g = Rand(5)
        let x = g.array(b * t * heads * e), r = g.array(x.count)
        func fwd(_ x: [Float]) -> [Float] {
            var y = x
            ropeApply(&y, table: table, b: b, t: t, heads: heads, headDim: e)
            return y
        }
        var dx = r
        ropeApply(&dx, table: table, b: b, t: t, heads: heads, headDim: e, inverse: true)
        checkGradient("rope dx", x, analytic: dx) { weightedSum(fwd($0), r) }
        // HF rotate-half at position 1, pair (0, 2): angle θ^0 = 1 rad
        let y = fwd(x), n = 1  // token 1 = position 1 of row 0
        let a = x[n * heads * e], c = x[n * heads * e + 2]
        #expect(abs(y[n * heads * e] - (a * Float(cos(1.0)) - c * Float(sin(1.0)))) < 1e-6)
        // position 0 is the identity
        #expect(Array(y[0..<(heads * e)]) == Array(x[0..<(heads * e)]))
    }

    @Test func groupedCausalAttention() {
        let b = 2, t = 5, h = 4, k = 2, e = 4
        let shape = AttentionShape(b: b, tq: t, tk: t, heads: h, kvHeads: k, headDim: e)
        var g = Rand(6)
        let q = g.array(b * t * h * e), kk = g.array(b * t * k * e), v = g.array(b * t * k * e), r = g.array(q.count)
        func fwd(_ q: [Float], _ kk: [Float], _ v: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: q.count), p = [Float](repeating: 0, count: b * h * t * t)
            attentionForward(&out, probs: &p, q: q, k: kk, v: v, shape: shape)
            return out
        }
        var out = [Float](repeating: 0, count: q.count), p = [Float](repeating: 0, count: b * h * t * t)
        attentionForward(&out, probs: &p, q: q, k: kk, v: v, shape: shape)
        var dq = q, dk = kk, dv = v
        attentionBackward(dq: &dq, dk: &dk, dv: &dv, dout: r, q: q, k: kk, v: v, probs: p, shape: shape)
        checkGradient("attention dq", q, analytic: dq) { weightedSum(fwd($0, kk, v), r) }
        checkGradient("attention dk", kk, analytic: dk) { weightedSum(fwd(q, $0, v), r) }
        checkGradient("attention dv", v, analytic: dv) { weightedSum(fwd(q, kk, $0), r) }
        // causality: changing the last key/value of row 0 leaves earlier outputs of row 0 unchanged
        var k2 = kk; for i in 0..<(k * e) { k2[(t - 1) * k * e + i] += 1 }
        let o2 = fwd(q, k2, v)
        #expect(Array(o2[0..<((t - 1) * h * e)]) == Array(out[0..<((t - 1) * h * e)]))
    }

    @Test func swigluAndGelu() {
        let n = 23
        var g = Rand(7)
        let gate = g.array(n, scale: 3), up = g.array(n), r = g.array(n)
        func sw(_ a: [Float], _ u: [Float]) -> [Float] { var y = a; swigluForward(&y, gate: a, up: u, n); return y }
        var dg = gate, du = up
        swigluBackward(dgate: &dg, dup: &du, dh: r, gate: gate, up: up, n)
        checkGradient("swiglu dgate", gate, analytic: dg, step: 1e-3) { weightedSum(sw($0, up), r) }
        checkGradient("swiglu dup", up, analytic: du, step: 1e-3) { weightedSum(sw(gate, $0), r) }
        func ge(_ x: [Float]) -> [Float] { var y = x; geluForward(&y, x, x.count); return y }
        var dx = gate
        geluBackward(dx: &dx, dy: r, x: gate, n)
        checkGradient("gelu dx", gate, analytic: dx, step: 1e-3) { weightedSum(ge($0), r) }
        #expect(abs(ge([1])[0] - 0.841192) < 1e-5)   // GPT-2's tanh approximation at 1
    }
}
