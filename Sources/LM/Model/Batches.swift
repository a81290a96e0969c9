// Batched forwards for scoring: sequences are sorted by length, grouped into batches of at most
// `rows` rows and `tokens` padded tokens, right-padded (causal attention: a real position never
// sees a pad) and run without the LM head; logits are then computed only at the positions a
// scorer asks for (LM head = final norm + W_vocab, done here for the chosen rows).
// Legend: B batch rows, T padded length, N = B·T, D width, V vocab, P chosen positions, C columns.
import Engine
import Support
import Tensor

/// How sequences are grouped into forwards.
public struct BatchShape: Sendable, Equatable {
    public var rows: Int
    public var tokens: Int
    public init(rows: Int = 16, tokens: Int = 2048) { self.rows = rows; self.tokens = tokens }
}

/// One forward's worth of sequences: `members` index the caller's list, `seq` is the padded length.
public struct Batch: Sendable, Equatable {
    public var members: [Int]
    public var seq: Int
}

/// Groups sequences of the given lengths: sorted by length (ties by index), each batch holds at
/// most `shape.rows` rows and `shape.tokens` padded tokens (a single longer row gets its own batch).
public func planBatches(lengths: [Int], shape: BatchShape) -> [Batch] {
    let order = lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
    var batches: [Batch] = []
    var current: [Int] = []
    for i in order {
        // sorted ascending, so the newest member sets the padded length
        if !current.isEmpty && (current.count == shape.rows || lengths[i] * (current.count + 1) > shape.tokens) {
            batches.append(Batch(members: current, seq: lengths[current.last!]))
            current = []
        }
        current.append(i)
    }
    if !current.isEmpty { batches.append(Batch(members: current, seq: lengths[current.last!])) }
    return batches
}

/// Row-major [B, T] ids of `batch`, each sequence right-padded with `pad`.
public func paddedIDs(_ sequences: [[Int32]], _ batch: Batch, pad: Int32) -> [Int32] {
    var ids = [Int32](repeating: pad, count: batch.members.count * batch.seq)
    for (r, m) in batch.members.enumerated() {
        for (t, id) in sequences[m].enumerated() { ids[r * batch.seq + t] = id }
    }
    return ids
}

/// The LM head applied to chosen rows of the last residual, so a scorer pays for P rows of
/// logits instead of N. Keeps its own scratch buffers.
public final class LogitHead {
    let model: TransformerLM
    private var normed = FloatBuffer(count: 0)   // [P, D] + mean [P] + rstd [P]
    private var gathered = FloatBuffer(count: 0) // [P, D]
    private var out = FloatBuffer(count: 0)      // [P, V]

    public init(_ model: TransformerLM) { self.model = model }

    /// Normed last residual at `positions` (flat indices into the forward's N rows), [P, D].
    private func norm(_ forward: ForwardOutput, _ positions: [Int]) -> UnsafeMutablePointer<Float> {
        let c = model.config, d = c.dModel, p = positions.count
        if gathered.count < p * d { gathered = FloatBuffer(count: p * d); normed = FloatBuffer(count: p * (d + 2)) }
        let last = forward.residual(c.nLayers)
        for (r, pos) in positions.enumerated() {
            precondition(pos >= 0 && pos < forward.tokens, "LogitHead: position \(pos) outside the forward's \(forward.tokens) rows")
            gathered.at(r * d).update(from: last + pos * d, count: d)
        }
        let y = normed.pointer, mean = y + p * d, rstd = mean + p
        switch c.family {
        case .llama:
            rmsNormForward(y, rstd: rstd, gathered.pointer, model.params.value(WeightNames.Llama.finalNorm), n: p, d: d, eps: c.normEps)
        case .gpt2:
            layerNormForward(y, mean: mean, rstd: rstd, gathered.pointer, model.params.value(WeightNames.GPT2.finalNorm + ".weight"),
                             model.params.value(WeightNames.GPT2.finalNorm + ".bias"), n: p, d: d, eps: c.normEps)
        }
        return y
    }

    private var headWeight: UnsafeMutablePointer<Float> {
        let c = model.config
        switch c.family {
        case .llama: return model.params.value(c.tiedEmbeddings ? WeightNames.Llama.embedding : WeightNames.Llama.lmHead)
        case .gpt2: return model.params.value(WeightNames.GPT2.tokenEmbedding)
        }
    }

    /// Full logits [P, V] at `positions`; valid until the next call.
    public func logits(_ forward: ForwardOutput, positions: [Int]) -> UnsafePointer<Float> {
        let c = model.config, p = positions.count
        if p == 0 { return UnsafePointer(out.pointer) }
        let x = norm(forward, positions)
        if out.count < p * c.vocabSize { out = FloatBuffer(count: p * c.vocabSize) }
        linearForward(out.pointer, x, headWeight, nil, layout: .outIn, n: p, i: c.dModel, o: c.vocabSize)
        return UnsafePointer(out.pointer)
    }

    /// Logits of a few vocabulary `columns` at `positions`, [P][C] (dot products, no full head).
    public func logits(_ forward: ForwardOutput, positions: [Int], columns: [Int]) -> [[Float]] {
        let d = model.config.dModel
        if positions.isEmpty { return [] }
        let x = norm(forward, positions), w = headWeight
        return positions.indices.map { r in
            columns.map { col in
                var s: Float = 0
                for j in 0..<d { s += x[r * d + j] * w[col * d + j] }
                return s
            }
        }
    }

    /// Argmax id of each row of [P, V] logits (ties: the lower id, as `generateGreedy`).
    public func argmax(_ forward: ForwardOutput, positions: [Int]) -> [Int] {
        let v = model.config.vocabSize
        let l = logits(forward, positions: positions)
        return positions.indices.map { Tensor.argmax(l + $0 * v, v) }
    }
}

/// Runs every batch of `sequences` (forward without logits; `hook` as in ForwardOptions) and
/// hands each batch and its output to `body`, with a progress bar advancing by rows.
public func forEachBatch(_ model: TransformerLM, _ sequences: [[Int32]], shape: BatchShape, pad: Int32,
                  hook: (afterBlock: Int, hook: ResidualHook)? = nil, computeLogits: Bool = false,
                  progress: ProgressBar?, _ body: (Batch, ForwardOutput) throws -> Void) throws {
    // Longest batches first: the model's activation arena grows to its largest shape once
    // instead of at every batch (it reallocates whenever a larger shape arrives).
    let batches = planBatches(lengths: sequences.map(\.count), shape: shape)
        .sorted { ($0.seq * $0.members.count, $0.seq) > ($1.seq * $1.members.count, $1.seq) }
    for batch in batches {
        let ids = paddedIDs(sequences, batch, pad: pad)
        let out = try model.forward(ids, batch: batch.members.count, seq: batch.seq,
                                    options: ForwardOptions(hook: hook, computeLogits: computeLogits))
        try body(batch, out)
        progress?.advance(batch.members.count)
    }
}
