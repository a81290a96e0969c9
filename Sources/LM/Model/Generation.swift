// Greedy generation with a key/value cache (batch 1): the prompt runs as one chunk, then one
// token per step attends to the cached keys/values of every earlier position.
// Legend: P cache positions, K kv heads, E head dim, H query heads, D width, V vocab.
import Engine
import Tensor

extension TransformerLM {
    /// Appends up to `maxNewTokens` argmax tokens to `prompt`, stopping after any token in `stop`.
    /// Returns only the new tokens.
    public func generateGreedy(prompt: [Int32], maxNewTokens: Int, stop: Set<Int32> = []) throws -> [Int32] {
        guard !prompt.isEmpty else { throw ModelInputError(description: "generate: empty prompt") }
        let c = config, total = prompt.count + maxNewTokens
        try checkTokens(prompt, b: 1, t: prompt.count)
        guard total <= c.contextLength else {
            throw ModelInputError(description: "generate: \(prompt.count) prompt + \(maxNewTokens) new tokens exceed the context length \(c.contextLength)")
        }
        let ke = c.nKVHeads * c.headDim
        let cacheK = (0..<c.nLayers).map { _ in FloatBuffer(count: total * ke) }   // [P, K·E] per layer
        let cacheV = (0..<c.nLayers).map { _ in FloatBuffer(count: total * ke) }
        let probs = FloatBuffer(count: c.nHeads * prompt.count * total)             // [H, Tq, P]
        var generated: [Int32] = []
        var chunk = prompt, past = 0
        while generated.count < maxNewTokens {
            let next = runChunk(chunk, past: past, cacheK: cacheK, cacheV: cacheV, cacheRows: total, probs: probs)
            generated.append(next)
            if stop.contains(next) { break }
            past += chunk.count
            chunk = [next]
        }
        return generated
    }

    /// Runs `ids` at positions past..<past+count against the cache; returns the argmax after the last.
    private func runChunk(_ ids: [Int32], past: Int, cacheK: [FloatBuffer], cacheV: [FloatBuffer], cacheRows: Int,
                          probs: FloatBuffer) -> Int32 {
        let c = config, t = ids.count, d = c.dModel, ke = c.nKVHeads * c.headDim
        arena.ensure(b: 1, t: t, slots: 1, backward: false)
        let res = arena.residuals.map(\.pointer)
        ids.withUnsafeBufferPointer { p in
            embeddingForward(res[0], ids: p.baseAddress!, wte: params.value(embedding),
                             wpe: c.family == .gpt2 ? params.value(WeightNames.GPT2.positionEmbedding) : nil,
                             b: 1, t: t, d: d, positionOffset: past)
        }
        let base = arena.slot(0, b: 1, t: t)
        let s = LayerSlot(ln1: base.ln1, ln1Mean: base.ln1Mean, ln1Rstd: base.ln1Rstd, q: base.q, k: base.k, v: base.v,
                          att: base.att, probs: probs.pointer, mid: base.mid, ln2: base.ln2, ln2Mean: base.ln2Mean,
                          ln2Rstd: base.ln2Rstd, f1: base.f1, f2: base.f2, f3: base.f3)
        for l in 0..<c.nLayers {
            let kv = KVPlacement(kWrite: cacheK[l].at(past * ke), vWrite: cacheV[l].at(past * ke),
                                 kRead: cacheK[l].pointer, vRead: cacheV[l].pointer,
                                 shape: AttentionShape(b: 1, tq: t, tk: past + t, heads: c.nHeads, kvHeads: c.nKVHeads,
                                                       headDim: c.headDim, kvBatchRows: cacheRows),
                                 positionOffset: past)
            blockForward(l, x: res[l], out: res[l + 1], s: s, kv: kv, b: 1, t: t)
        }
        headForward(res[c.nLayers] + (t - 1) * d, n: 1)
        return Int32(argmax(arena.logits.pointer, c.vocabSize))
    }
}
