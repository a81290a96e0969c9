// Activation memory of a model, planned from the (batch, seq) shape and allocated only when a
// shape larger than any seen before arrives; steps of a known shape allocate nothing. A model
// used only for inference (a frozen teacher) keeps one layer slot and reuses it for every block.
// Legend: B batch, T positions, N = B·T tokens, D width, H/K query/kv heads, E head dim, F MLP width, V vocab.
import Engine
import Tensor

/// Pointers to one layer slot's saved activations (for the current shape).
struct LayerSlot {
    let ln1: UnsafeMutablePointer<Float>        // [N, D] normed block input
    let ln1Mean: UnsafeMutablePointer<Float>    // [N]
    let ln1Rstd: UnsafeMutablePointer<Float>    // [N]
    let q: UnsafeMutablePointer<Float>          // [N, H·E] (after RoPE)
    let k: UnsafeMutablePointer<Float>          // [N, K·E] (after RoPE)
    let v: UnsafeMutablePointer<Float>          // [N, K·E]
    let att: UnsafeMutablePointer<Float>        // [N, H·E] attention output before the projection
    let probs: UnsafeMutablePointer<Float>      // [B, H, T, T]
    let mid: UnsafeMutablePointer<Float>        // [N, D] residual after attention
    let ln2: UnsafeMutablePointer<Float>        // [N, D]
    let ln2Mean: UnsafeMutablePointer<Float>    // [N]
    let ln2Rstd: UnsafeMutablePointer<Float>    // [N]
    let f1: UnsafeMutablePointer<Float>         // [N, F] gate (Llama) / pre-GELU (GPT-2)
    let f2: UnsafeMutablePointer<Float>         // [N, F] up (Llama only)
    let f3: UnsafeMutablePointer<Float>         // [N, F] MLP hidden after the non-linearity
}

final class ActivationArena {
    let config: ModelConfig
    private(set) var capacityTokens = 0
    private(set) var capacityProbs = 0
    private(set) var slotBuffers: [FloatBuffer] = []
    private(set) var residuals: [FloatBuffer] = []   // L+1 of [N, D]: residual i = input of block i
    private(set) var preHook = FloatBuffer(count: 0) // [N, D] hooked block's output before the hook
    private(set) var lnf = FloatBuffer(count: 0)     // [N, D] + mean [N] + rstd [N]
    private(set) var logits = FloatBuffer(count: 0)  // [N, V]
    private(set) var headInput = FloatBuffer(count: 0) // [N, D] last residual at the logit rows, when a forward names them
    // backward scratch, shared by all layers
    private(set) var dres = FloatBuffer(count: 0), dln = FloatBuffer(count: 0)     // [N, D] each
    private(set) var headGrad = FloatBuffer(count: 0)                               // [N, D] gradient of headInput
    private(set) var dq = FloatBuffer(count: 0), datt = FloatBuffer(count: 0)      // [N, H·E]
    private(set) var dk = FloatBuffer(count: 0), dv = FloatBuffer(count: 0)        // [N, K·E]
    private(set) var dqkv = FloatBuffer(count: 0), qkv = FloatBuffer(count: 0)     // [N, 3D] (GPT-2)
    private(set) var df1 = FloatBuffer(count: 0), df2 = FloatBuffer(count: 0), df3 = FloatBuffer(count: 0) // [N, F]

    init(config: ModelConfig) { self.config = config }

    private var perTokenSlotFloats: Int {
        let c = config, he = c.nHeads * c.headDim, ke = c.nKVHeads * c.headDim
        return 3 * c.dModel + 2 * he + 2 * ke + 3 * c.dFF + 4
    }

    /// Makes room for a (b, t) forward; `slots` layer slots (nLayers for training, 1 for inference).
    func ensure(b: Int, t: Int, slots: Int, backward: Bool) {
        let c = config, n = b * t, probs = b * c.nHeads * t * t
        let grow = n > capacityTokens || probs > capacityProbs
        if grow {
            capacityTokens = max(n, capacityTokens); capacityProbs = max(probs, capacityProbs)
            slotBuffers = []
            residuals = (0...c.nLayers).map { _ in FloatBuffer(count: capacityTokens * c.dModel) }
            preHook = FloatBuffer(count: capacityTokens * c.dModel)
            lnf = FloatBuffer(count: capacityTokens * (c.dModel + 2))
            logits = FloatBuffer(count: capacityTokens * c.vocabSize)
            headInput = FloatBuffer(count: capacityTokens * c.dModel)
            qkv = FloatBuffer(count: c.family == .gpt2 ? capacityTokens * 3 * c.dModel : 0)
            dres = FloatBuffer(count: 0)
        }
        while slotBuffers.count < slots {
            slotBuffers.append(FloatBuffer(count: capacityTokens * perTokenSlotFloats + capacityProbs))
        }
        if backward && dres.count < capacityTokens * c.dModel {
            let nt = capacityTokens, he = c.nHeads * c.headDim, ke = c.nKVHeads * c.headDim
            dres = FloatBuffer(count: nt * c.dModel); dln = FloatBuffer(count: nt * c.dModel); headGrad = FloatBuffer(count: nt * c.dModel)
            dq = FloatBuffer(count: nt * he); datt = FloatBuffer(count: nt * he)
            dk = FloatBuffer(count: nt * ke); dv = FloatBuffer(count: nt * ke)
            dqkv = FloatBuffer(count: c.family == .gpt2 ? nt * 3 * c.dModel : 0)
            df1 = FloatBuffer(count: nt * c.dFF); df2 = FloatBuffer(count: nt * c.dFF); df3 = FloatBuffer(count: nt * c.dFF)
        }
    }

    /// Slot pointers for the current shape (views into the slot's buffer; shape-dependent offsets).
    func slot(_ i: Int, b: Int, t: Int) -> LayerSlot {
        let c = config, n = b * t, d = c.dModel, f = c.dFF
        let he = c.nHeads * c.headDim, ke = c.nKVHeads * c.headDim
        var p = slotBuffers[i].pointer
        func take(_ count: Int) -> UnsafeMutablePointer<Float> { defer { p += count }; return p }
        return LayerSlot(ln1: take(n * d), ln1Mean: take(n), ln1Rstd: take(n), q: take(n * he), k: take(n * ke),
                         v: take(n * ke), att: take(n * he), probs: take(b * c.nHeads * t * t), mid: take(n * d),
                         ln2: take(n * d), ln2Mean: take(n), ln2Rstd: take(n), f1: take(n * f), f2: take(n * f),
                         f3: take(n * f))
    }
}
