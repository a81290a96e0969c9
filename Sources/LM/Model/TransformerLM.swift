// A language model of either family (Llama / GPT-2) built from ModelConfig and one contiguous
// parameter store: forward returning logits and every residual, residual hooks (replace a
// block's output by f(h)), and backward from dlogits and from gradients on residuals.
// Residual i is the input of block i (HF hidden_states[i]): 0 = embeddings, L = last block's output.
// Legend: B batch, T positions, N = B·T, D width, V vocab, L blocks.
import Engine
import Tensor

public struct ModelInputError: Error, CustomStringConvertible {
    public let description: String
}

/// Options of one forward pass.
public struct ForwardOptions {
    /// Keep every layer's activations so that `backward` can run (a frozen teacher passes false).
    public var training: Bool
    /// Replace the output of block `afterBlock` (i.e. residual afterBlock+1) by hook(output).
    public var hook: (afterBlock: Int, hook: ResidualHook)?
    /// Compute logits (the LM head is the most expensive matmul; reading residuals may skip it).
    public var computeLogits: Bool
    /// Compute logits only at these rows (flat indices into the N = B·T rows, strictly increasing):
    /// `ForwardOutput.logits` is then [rows.count, V] in this order, and backward takes dlogits of that
    /// shape. A task pass whose loss reads a few answer positions skips most of the LM head. nil: every row.
    public var logitRows: [Int]?
    public init(training: Bool = false, hook: (afterBlock: Int, hook: ResidualHook)? = nil, computeLogits: Bool = true,
                logitRows: [Int]? = nil) {
        self.training = training; self.hook = hook; self.computeLogits = computeLogits; self.logitRows = logitRows
    }
}

/// What a forward pass leaves. Pointers stay valid until the next forward of the same model.
public struct ForwardOutput {
    public let batch: Int, seq: Int, vocab: Int, dModel: Int
    /// [N, V] logits, or [logitRows.count, V] where the forward asked for some rows only; a caller
    /// may overwrite them with dlogits before `backward`.
    public let logits: UnsafeMutablePointer<Float>
    /// The rows `logits` holds (nil: all N).
    public let logitRows: [Int]?
    let residualPointers: [UnsafeMutablePointer<Float>]
    /// [N, D] residual i (0...L), after any hook.
    public func residual(_ i: Int) -> UnsafeMutablePointer<Float> { residualPointers[i] }
    public var tokens: Int { batch * seq }
}

public final class TransformerLM: @unchecked Sendable {
    public let config: ModelConfig
    public let params: ParameterStore
    let rope: RoPETable?
    var layers: [LayerParams] = []
    let arena: ActivationArena
    private var last: (b: Int, t: Int, training: Bool, tokens: [Int32], hook: (afterBlock: Int, hook: ResidualHook)?, logits: Bool,
                       logitRows: [Int]?)?

    /// A model with `weights` from a loader (HF names and layouts); any mismatch with the config is
    /// one error naming every offending tensor.
    public convenience init(config: ModelConfig, weights: [String: HostTensor]) throws {
        self.init(config: config, store: try loadParameters(config, weights))
    }

    /// A randomly initialised model (tests and timing only).
    public convenience init(randomlyInitialized config: ModelConfig, seed: UInt64) throws {
        try config.validate()
        self.init(config: config, store: randomParameters(config, seed: seed))
    }

    /// A model over `store`, which must have `parameterTable(config)`'s layout (e.g. a teacher copy).
    public init(config: ModelConfig, store: ParameterStore) {
        self.config = config
        self.params = store
        precondition(store.entries.map(\.name) == parameterTable(config).map(\.name), "TransformerLM: store layout differs from config")
        rope = config.family == .llama
            ? RoPETable(headDim: config.headDim, positions: config.contextLength, theta: config.ropeTheta) : nil
        arena = ActivationArena(config: config)
        let table = parameterTable(config)
        let perLayer = config.family == .llama ? 9 : 12
        let first = 1 + (config.family == .gpt2 ? 1 : 0)
        for l in 0..<config.nLayers {
            let names = table[(first + l * perLayer)..<(first + (l + 1) * perLayer)].map(\.name)
            layers.append(LayerParams(w: names.map { store.value($0) }, g: names.map { store.grad($0) }))
        }
    }

    /// A frozen copy with its own parameter store (the teacher of the KL loss).
    public func copy() -> TransformerLM {
        let store = ParameterStore(parameterTable(config))
        store.copyValues(from: params)
        return TransformerLM(config: config, store: store)
    }

    var embedding: String { config.family == .llama ? WeightNames.Llama.embedding : WeightNames.GPT2.tokenEmbedding }
    var headWeight: String {
        config.family == .gpt2 || config.tiedEmbeddings ? embedding : WeightNames.Llama.lmHead
    }
    var finalNorm: (w: String, b: String?) {
        config.family == .llama ? (WeightNames.Llama.finalNorm, nil)
            : (WeightNames.GPT2.finalNorm + ".weight", WeightNames.GPT2.finalNorm + ".bias")
    }

    /// The residual direction that token `token`'s logit reads after the final norm: g ⊙ W_head[token]
    /// (the norm's gain times the head's row; the norm's scaling and a LayerNorm's centring and
    /// bias aside). The logit lens of a token, in residual coordinates.
    public func readoutDirection(token: Int) -> [Float] {
        precondition((0..<config.vocabSize).contains(token), "readoutDirection: token \(token) outside the vocabulary")
        let d = config.dModel, head = params.value(headWeight) + token * d, g = params.value(finalNorm.w)
        return (0..<d).map { head[$0] * g[$0] }
    }

    func checkTokens(_ tokens: [Int32], b: Int, t: Int, positionOffset: Int = 0) throws {
        guard b > 0, t > 0, tokens.count == b * t else {
            throw ModelInputError(description: "model input: \(tokens.count) token ids do not form a batch of \(b) × \(t)")
        }
        guard positionOffset + t <= config.contextLength else {
            throw ModelInputError(description: "model input: \(positionOffset + t) positions exceed the context length \(config.contextLength)")
        }
        if let bad = tokens.firstIndex(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
            throw ModelInputError(description: "model input: token id \(tokens[bad]) at index \(bad) is outside the vocabulary 0..<\(config.vocabSize)")
        }
    }

    /// Runs the model on `tokens` (row-major [batch, seq]).
    public func forward(_ tokens: [Int32], batch b: Int, seq t: Int, options: ForwardOptions = ForwardOptions()) throws -> ForwardOutput {
        try checkTokens(tokens, b: b, t: t)
        if let h = options.hook, !(0..<config.nLayers).contains(h.afterBlock) {
            throw ModelInputError(description: "residual hook after block \(h.afterBlock): the model has blocks 0..<\(config.nLayers)")
        }
        let c = config, n = b * t, d = c.dModel
        if let rows = options.logitRows, let bad = zip(rows.indices, rows).first(where: { i, r in r < 0 || r >= n || (i > 0 && rows[i - 1] >= r) }) {
            throw ModelInputError(description: "logit rows: \(bad.1) at index \(bad.0) is out of order or outside 0..<\(n) (they must be strictly increasing row indices)")
        }
        arena.ensure(b: b, t: t, slots: options.training ? c.nLayers : 1, backward: options.training)
        let res = arena.residuals.map(\.pointer)
        tokens.withUnsafeBufferPointer { ids in
            embeddingForward(res[0], ids: ids.baseAddress!, wte: params.value(embedding),
                             wpe: c.family == .gpt2 ? params.value(WeightNames.GPT2.positionEmbedding) : nil, b: b, t: t, d: d)
        }
        for l in 0..<c.nLayers {
            let s = arena.slot(options.training ? l : 0, b: b, t: t)
            let hooked = options.hook?.afterBlock == l
            let out = hooked ? arena.preHook.pointer : res[l + 1]
            let kv = KVPlacement(kWrite: s.k, vWrite: s.v, kRead: s.k, vRead: s.v,
                                 shape: AttentionShape(b: b, tq: t, tk: t, heads: c.nHeads, kvHeads: c.nKVHeads, headDim: c.headDim),
                                 positionOffset: 0)
            blockForward(l, x: res[l], out: out, s: s, kv: kv, b: b, t: t)
            if hooked { options.hook!.hook.forward(res[l + 1], arena.preHook.pointer, b: b, t: t, d: d) }
        }
        if options.computeLogits {
            if let rows = options.logitRows {
                let g = arena.headInput.pointer, top = res[c.nLayers]
                for (j, r) in rows.enumerated() { (g + j * d).update(from: top + r * d, count: d) }
                if !rows.isEmpty { headForward(g, n: rows.count) }
            } else {
                headForward(res[c.nLayers], n: n)
            }
        }
        last = (b, t, options.training, tokens, options.hook, options.computeLogits, options.logitRows)
        return ForwardOutput(batch: b, seq: t, vocab: c.vocabSize, dModel: d, logits: arena.logits.pointer,
                             logitRows: options.logitRows, residualPointers: res)
    }

    /// logits[N,V] = norm(x[N,D]) · Wᵀ
    func headForward(_ x: UnsafePointer<Float>, n: Int) {
        let c = config, d = c.dModel, lnf = arena.lnf.pointer, mean = lnf + n * d, rstd = mean + n
        if let bias = finalNorm.b {
            layerNormForward(lnf, mean: mean, rstd: rstd, x, params.value(finalNorm.w), params.value(bias), n: n, d: d, eps: c.normEps)
        } else {
            rmsNormForward(lnf, rstd: rstd, x, params.value(finalNorm.w), n: n, d: d, eps: c.normEps)
        }
        linearForward(arena.logits.pointer, lnf, params.value(headWeight), nil, layout: .outIn, n: n, i: d, o: c.vocabSize)
    }

    /// Backward of the last (training) forward. `dlogits` [N,V] may be nil (no loss on logits);
    /// `residualGrads[i]` [N,D] is added to the gradient of residual i. Gradients accumulate into
    /// `params.grads` (zero them once per step).
    public func backward(dlogits: UnsafePointer<Float>?, residualGrads: [Int: UnsafePointer<Float>] = [:]) {
        guard let last, last.training else { preconditionFailure("TransformerLM.backward: the last forward was not a training forward") }
        precondition(dlogits == nil || last.logits, "TransformerLM.backward: dlogits given but the forward computed no logits")
        let c = config, b = last.b, t = last.t, n = b * t, d = c.dModel
        precondition(residualGrads.keys.allSatisfy { (0...c.nLayers).contains($0) }, "backward: residual index out of range")
        let res = arena.residuals.map(\.pointer), dres = arena.dres.pointer
        dres.update(repeating: 0, count: n * d)
        if let dlogits, (last.logitRows?.count ?? n) > 0 {
            // With logit rows the head ran on the gathered rows [M, D]; its input gradient is scattered back.
            let m = last.logitRows?.count ?? n
            let x = UnsafePointer(last.logitRows == nil ? res[c.nLayers] : arena.headInput.pointer)
            let dx = last.logitRows == nil ? dres : arena.headGrad.pointer
            let lnf = arena.lnf.pointer, mean = lnf + m * d, rstd = mean + m, dln = arena.dln.pointer
            linearBackward(dx: dln, dw: params.grad(headWeight), db: nil, dy: dlogits, x: lnf, w: params.value(headWeight),
                           layout: .outIn, n: m, i: d, o: c.vocabSize)
            if let bias = finalNorm.b {
                layerNormBackward(dx: dx, dw: params.grad(finalNorm.w), db: params.grad(bias), dy: dln, x: x,
                                  w: params.value(finalNorm.w), mean: mean, rstd: rstd, n: m, d: d, accumulate: false)
            } else {
                rmsNormBackward(dx: dx, dw: params.grad(finalNorm.w), dy: dln, x: x, w: params.value(finalNorm.w),
                                rstd: rstd, n: m, d: d, accumulate: false)
            }
            if let rows = last.logitRows {
                for (j, r) in rows.enumerated() { (dres + r * d).update(from: dx + j * d, count: d) }
            }
        }
        if let g = residualGrads[c.nLayers] { addInPlace(dres, g, n * d) }
        for l in stride(from: c.nLayers - 1, through: 0, by: -1) {
            if let h = last.hook, h.afterBlock == l {
                let tmp = arena.dln.pointer
                h.hook.backward(tmp, dres, arena.preHook.pointer, b: b, t: t, d: d)
                dres.update(from: tmp, count: n * d)
            }
            blockBackward(l, x: res[l], s: arena.slot(l, b: b, t: t), dres: dres, b: b, t: t)
            if let g = residualGrads[l] { addInPlace(dres, g, n * d) }
        }
        last.tokens.withUnsafeBufferPointer { ids in
            embeddingBackward(dwte: params.grad(embedding),
                              dwpe: c.family == .gpt2 ? params.grad(WeightNames.GPT2.positionEmbedding) : nil,
                              dout: dres, ids: ids.baseAddress!, b: b, t: t, d: d)
        }
    }
}

extension TransformerLM {
    /// The [N, V] logits buffer of the last forward (the same pointer `ForwardOutput.logits` gives).
    public var logitsBuffer: UnsafeMutablePointer<Float> { arena.logits.pointer }
}
