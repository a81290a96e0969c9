// One transformer block of each family, forward and backward side by side, over a layer slot of
// saved activations (ActivationArena.swift). Llama: RMSNorm → Q/K/V (RoPE) → GQA attention → O,
// RMSNorm → SwiGLU. GPT-2: LayerNorm → c_attn → attention → c_proj, LayerNorm → GELU MLP.
// Legend: B batch, T positions, N = B·T, D width, H/K query/kv heads, E head dim, F MLP width.
import Engine
import Tensor

/// Where a block writes its keys/values and which keys/values its attention reads (the KV cache
/// of generation points these at cache rows; training points them at the slot).
struct KVPlacement {
    let kWrite: UnsafeMutablePointer<Float>     // [N, K·E] (GPT-2: [N, D])
    let vWrite: UnsafeMutablePointer<Float>
    let kRead: UnsafePointer<Float>
    let vRead: UnsafePointer<Float>
    let shape: AttentionShape
    let positionOffset: Int
}

/// Names of one layer's parameters, resolved once.
struct LayerParams {
    let w: [UnsafeMutablePointer<Float>]   // values, in parameterTable order for the layer
    let g: [UnsafeMutablePointer<Float>]   // gradients, same order
}

extension TransformerLM {
    /// out[N,D] = block_l(x[N,D]); saves activations in `s`.
    func blockForward(_ l: Int, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, s: LayerSlot,
                      kv: KVPlacement, b: Int, t: Int) {
        let c = config, n = b * t, d = c.dModel, f = c.dFF, e = c.headDim
        let he = c.nHeads * e, ke = c.nKVHeads * e, w = layers[l].w
        switch c.family {
        case .llama:  // w: in_norm, q, k, v, o, post_norm, gate, up, down
            rmsNormForward(s.ln1, rstd: s.ln1Rstd, x, w[0], n: n, d: d, eps: c.normEps)
            linearForward(s.q, s.ln1, w[1], nil, layout: .outIn, n: n, i: d, o: he)
            linearForward(kv.kWrite, s.ln1, w[2], nil, layout: .outIn, n: n, i: d, o: ke)
            linearForward(kv.vWrite, s.ln1, w[3], nil, layout: .outIn, n: n, i: d, o: ke)
            ropeApply(s.q, table: rope!, b: b, t: t, heads: c.nHeads, headDim: e, positionOffset: kv.positionOffset)
            ropeApply(kv.kWrite, table: rope!, b: b, t: t, heads: c.nKVHeads, headDim: e, positionOffset: kv.positionOffset)
            attentionForward(s.att, probs: s.probs, q: s.q, k: kv.kRead, v: kv.vRead, shape: kv.shape)
            s.mid.update(from: x, count: n * d)
            linearForward(s.mid, s.att, w[4], nil, layout: .outIn, n: n, i: he, o: d, accumulate: true)
            rmsNormForward(s.ln2, rstd: s.ln2Rstd, s.mid, w[5], n: n, d: d, eps: c.normEps)
            linearForward(s.f1, s.ln2, w[6], nil, layout: .outIn, n: n, i: d, o: f)
            linearForward(s.f2, s.ln2, w[7], nil, layout: .outIn, n: n, i: d, o: f)
            swigluForward(s.f3, gate: s.f1, up: s.f2, n * f)
            out.update(from: s.mid, count: n * d)
            linearForward(out, s.f3, w[8], nil, layout: .outIn, n: n, i: f, o: d, accumulate: true)
        case .gpt2:   // w: ln1 w,b, c_attn w,b, c_proj w,b, ln2 w,b, c_fc w,b, mlp c_proj w,b
            layerNormForward(s.ln1, mean: s.ln1Mean, rstd: s.ln1Rstd, x, w[0], w[1], n: n, d: d, eps: c.normEps)
            let qkv = arena.qkv.pointer                                   // [N, 3D]
            linearForward(qkv, s.ln1, w[2], w[3], layout: .inOut, n: n, i: d, o: 3 * d)
            for r in 0..<n {
                (s.q + r * d).update(from: qkv + r * 3 * d, count: d)
                (kv.kWrite + r * d).update(from: qkv + r * 3 * d + d, count: d)
                (kv.vWrite + r * d).update(from: qkv + r * 3 * d + 2 * d, count: d)
            }
            attentionForward(s.att, probs: s.probs, q: s.q, k: kv.kRead, v: kv.vRead, shape: kv.shape)
            s.mid.update(from: x, count: n * d)
            linearForward(s.mid, s.att, w[4], w[5], layout: .inOut, n: n, i: d, o: d, accumulate: true)
            layerNormForward(s.ln2, mean: s.ln2Mean, rstd: s.ln2Rstd, s.mid, w[6], w[7], n: n, d: d, eps: c.normEps)
            linearForward(s.f1, s.ln2, w[8], w[9], layout: .inOut, n: n, i: d, o: f)
            geluForward(s.f3, s.f1, n * f)
            out.update(from: s.mid, count: n * d)
            linearForward(out, s.f3, w[10], w[11], layout: .inOut, n: n, i: f, o: d, accumulate: true)
        }
    }

    /// dres[N,D]: gradient w.r.t. the block's output on entry, w.r.t. its input x on return.
    /// Parameter gradients accumulate.
    func blockBackward(_ l: Int, x: UnsafePointer<Float>, s: LayerSlot, dres: UnsafeMutablePointer<Float>, b: Int, t: Int) {
        let c = config, n = b * t, d = c.dModel, f = c.dFF, e = c.headDim
        let he = c.nHeads * e, ke = c.nKVHeads * e, w = layers[l].w, g = layers[l].g, a = arena
        let dln = a.dln.pointer, shape = AttentionShape(b: b, tq: t, tk: t, heads: c.nHeads, kvHeads: c.nKVHeads, headDim: e)
        switch c.family {
        case .llama:
            linearBackward(dx: a.df3.pointer, dw: g[8], db: nil, dy: dres, x: s.f3, w: w[8], layout: .outIn, n: n, i: f, o: d)
            swigluBackward(dgate: a.df1.pointer, dup: a.df2.pointer, dh: a.df3.pointer, gate: s.f1, up: s.f2, n * f)
            linearBackward(dx: dln, dw: g[6], db: nil, dy: a.df1.pointer, x: s.ln2, w: w[6], layout: .outIn, n: n, i: d, o: f)
            linearBackward(dx: dln, dw: g[7], db: nil, dy: a.df2.pointer, x: s.ln2, w: w[7], layout: .outIn, n: n, i: d, o: f,
                           accumulateDx: true)
            rmsNormBackward(dx: dres, dw: g[5], dy: dln, x: s.mid, w: w[5], rstd: s.ln2Rstd, n: n, d: d, accumulate: true)
            linearBackward(dx: a.datt.pointer, dw: g[4], db: nil, dy: dres, x: s.att, w: w[4], layout: .outIn, n: n, i: he, o: d)
            attentionBackward(dq: a.dq.pointer, dk: a.dk.pointer, dv: a.dv.pointer,
                              dout: a.datt.pointer, q: s.q, k: s.k, v: s.v, probs: s.probs, shape: shape)
            ropeApply(a.dq.pointer, table: rope!, b: b, t: t, heads: c.nHeads, headDim: e, inverse: true)
            ropeApply(a.dk.pointer, table: rope!, b: b, t: t, heads: c.nKVHeads, headDim: e, inverse: true)
            linearBackward(dx: dln, dw: g[1], db: nil, dy: a.dq.pointer, x: s.ln1, w: w[1], layout: .outIn, n: n, i: d, o: he)
            linearBackward(dx: dln, dw: g[2], db: nil, dy: a.dk.pointer, x: s.ln1, w: w[2], layout: .outIn, n: n, i: d, o: ke,
                           accumulateDx: true)
            linearBackward(dx: dln, dw: g[3], db: nil, dy: a.dv.pointer, x: s.ln1, w: w[3], layout: .outIn, n: n, i: d, o: ke,
                           accumulateDx: true)
            rmsNormBackward(dx: dres, dw: g[0], dy: dln, x: x, w: w[0], rstd: s.ln1Rstd, n: n, d: d, accumulate: true)
        case .gpt2:
            linearBackward(dx: a.df3.pointer, dw: g[10], db: g[11], dy: dres, x: s.f3, w: w[10], layout: .inOut, n: n, i: f, o: d)
            geluBackward(dx: a.df1.pointer, dy: a.df3.pointer, x: s.f1, n * f)
            linearBackward(dx: dln, dw: g[8], db: g[9], dy: a.df1.pointer, x: s.ln2, w: w[8], layout: .inOut, n: n, i: d, o: f)
            layerNormBackward(dx: dres, dw: g[6], db: g[7], dy: dln, x: s.mid, w: w[6], mean: s.ln2Mean, rstd: s.ln2Rstd,
                              n: n, d: d, accumulate: true)
            linearBackward(dx: a.datt.pointer, dw: g[4], db: g[5], dy: dres, x: s.att, w: w[4], layout: .inOut, n: n, i: d, o: d)
            attentionBackward(dq: a.dq.pointer, dk: a.dk.pointer, dv: a.dv.pointer,
                              dout: a.datt.pointer, q: s.q, k: s.k, v: s.v, probs: s.probs, shape: shape)
            let dqkv = a.dqkv.pointer                                     // [N, 3D]
            for r in 0..<n {
                (dqkv + r * 3 * d).update(from: a.dq.pointer + r * d, count: d)
                (dqkv + r * 3 * d + d).update(from: a.dk.pointer + r * d, count: d)
                (dqkv + r * 3 * d + 2 * d).update(from: a.dv.pointer + r * d, count: d)
            }
            linearBackward(dx: dln, dw: g[2], db: g[3], dy: dqkv, x: s.ln1, w: w[2], layout: .inOut, n: n, i: d, o: 3 * d)
            layerNormBackward(dx: dres, dw: g[0], db: g[1], dy: dln, x: x, w: w[0], mean: s.ln1Mean, rstd: s.ln1Rstd,
                              n: n, d: d, accumulate: true)
        }
    }
}
