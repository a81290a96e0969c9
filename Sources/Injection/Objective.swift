// One training step of tracr-injection (METHOD §3.2) and of its baseline (§4):
//   text pass:  student forward on general text, frozen teacher forward, γ·KL(teacher ‖ student), backward;
//   task pass:  student forward with detach-and-roll at the output of block k (injection only),
//               α·CE on the answer tokens, β·Σ_i (1 − cos(adapter(h_i), c_i)) for i = 0...k, backward;
//   update:     AdamW over the student (and the adapter, for injection).
// Legend: B rows, T positions, N = B·T, D LM width, C compiled width, V vocab, k aligned layers.
import Engine
import Foundation
import LM
import Support
import Tensor

public enum Method: String, Sendable, Codable, CaseIterable {
    /// L = α·CE + β·ALG + γ·KL with detach-and-roll.
    case injection
    /// "Finetuning + KL": L = α·CE + γ·KL, no adapter, no intervention.
    case baseline
}

/// How the per-layer algorithm losses are combined: the authors' code sums the k+1 terms; the
/// paper's formula divides the sum by k.
public enum AlgorithmNormalization: String, Sendable, Codable, CaseIterable {
    case sum, mean
}

public struct LossWeights: Sendable, Codable, Equatable {
    public var alpha: Float = 1, beta: Float = 1, gamma: Float = 1
    public var normalization: AlgorithmNormalization = .sum
    /// δ, a departure from the paper (0 = off): δ·(1 − cos) between the adapter's output-variable
    /// coordinates (at residual k or k+1, `outputEmphasisAt`) and the compiled output of layer k, over the answer positions
    /// (those that predict an answer token) where the compiled output is set. In the plain cosine
    /// these few coordinates at the few answer positions weigh almost nothing, yet they span the
    /// detach-and-roll subspace through which the answer must pass.
    public var outputEmphasis: Float = 0
    /// Where δ reads the LM: the last aligned residual k (its compiled counterpart exists), or the
    /// hooked residual k+1, the output of block k, whose output-subspace part is exactly what
    /// survives detach-and-roll (W_f·h' = W_f·h there, as the rolled complement is orthogonal to W_f's rows).
    public var outputEmphasisAt: OutputEmphasisLayer = .lastAligned
    /// The form of the δ term: 1 − cos to the compiled one-hot (the default), or a cross-entropy
    /// over the output variable's values with logits τ·cos(a, e_v) (`softmax`, τ = 10). The cosine's
    /// push on the right value fades as the vector turns towards it and barely pushes the wrong ones
    /// down; the cross-entropy asks for a margin, as a linear probe's loss does.
    public var outputEmphasisLoss: OutputEmphasisLoss = .cosine
    /// ε, a departure from the paper (0 = off): ε·CE of a second task pass without detach-and-roll,
    /// beside the α·CE of the rolled pass, while detach-and-roll acts. The paper's only task loss is
    /// the rolled CE, under which an LM that cannot yet route its answer through the kept subspace
    /// lowers the loss fastest by answering the prior, and forgets the task (docs/distill.md); the
    /// plain CE keeps the task while the rolled one moves the answer into the subspace, as
    /// interchange-intervention training pairs its intervention loss with the task loss.
    public var plainCE: Float = 0
    public init(alpha: Float = 1, beta: Float = 1, gamma: Float = 1, normalization: AlgorithmNormalization = .sum,
                outputEmphasis: Float = 0, outputEmphasisAt: OutputEmphasisLayer = .lastAligned,
                outputEmphasisLoss: OutputEmphasisLoss = .cosine, plainCE: Float = 0) {
        self.alpha = alpha; self.beta = beta; self.gamma = gamma; self.normalization = normalization
        self.outputEmphasis = outputEmphasis; self.outputEmphasisAt = outputEmphasisAt
        self.outputEmphasisLoss = outputEmphasisLoss; self.plainCE = plainCE
    }
}

public enum OutputEmphasisLoss: String, Sendable, Codable, CaseIterable {
    case cosine, softmax
}

public enum OutputEmphasisLayer: String, Sendable, Codable, CaseIterable {
    case lastAligned = "last-aligned"
    case hooked
}

/// The loss terms of one step (unweighted), and the mean cosine of every aligned layer.
public struct StepLosses: Sendable, Equatable {
    public var total: Float = 0
    public var ce: Float = 0
    public var alg: Float = 0
    public var kl: Float = 0
    /// Output-emphasis term (unweighted 1 − cos; 0 when δ = 0) and whether detach-and-roll acted.
    public var output: Float = 0
    public var detachAndRoll = false
    /// CE of the plain task pass (`plainCE` > 0 while detach-and-roll acts; else 0).
    public var cePlain: Float = 0
    public var cosine: [Float] = []
    /// Answer tokens predicted correctly (argmax) in the task pass, and how many there were.
    public var answerCorrect = 0, answerTotal = 0
    public var isFinite: Bool { total.isFinite && ce.isFinite && alg.isFinite && kl.isFinite && output.isFinite && cePlain.isFinite }
}

/// The models and buffers one step needs.
public final class Objective {
    public let method: Method
    public let student: TransformerLM
    public let teacher: TransformerLM?
    public let adapter: Adapter
    /// Aligned layers: compiled residual i ↔ LM residual lmResiduals[i] for i = 0...layers (i itself
    /// unless --layer-stride); the hook sits after block `hookBlock` = lmResiduals[layers].
    public let layers: Int
    public let lmResiduals: [Int]
    public var hookBlock: Int { lmResiduals[layers] }
    public let outputDims: [Int]
    public let weights: LossWeights
    /// Detach-and-roll at the output of block k during the task pass (injection only; on by default).
    public let detachAndRoll: Bool
    /// Whether the next steps apply it (the trainer turns it on at `detachAndRollFrom`).
    public var detachAndRollActive: Bool
    /// Its strength λ in (0, 1] while active (below 1 only during `--detach-and-roll-ramp`).
    public var detachAndRollStrength: Float = 1
    /// Where the training hook's complement comes from (`--complement`; the rolled validation always rolls).
    public var complementSource: ComplementSource = .roll
    let scratch: LossScratch
    private var adapted = FloatBuffer(count: 0)       // [N, C]
    private var dAdapted = FloatBuffer(count: 0)      // [N, C]
    private var residualGrads: [FloatBuffer] = []     // k+1 × [N, D]
    private var gatherA = FloatBuffer(count: 0), gatherC = FloatBuffer(count: 0), gatherD = FloatBuffer(count: 0)
    /// Seconds spent per phase over all steps so far (the summary reports them).
    public private(set) var phaseSeconds: [String: Double] = [:]
    private var clock = 0.0
    private func lap(_ phase: String) {
        let now = monotonicSeconds()
        phaseSeconds[phase, default: 0] += now - clock
        clock = now
    }

    /// Compiled coordinates left out of every layer's cosine (`--exclude-variables`; empty: the paper).
    public let excludedDims: [Int]

    public init(method: Method, student: TransformerLM, teacher: TransformerLM?, adapter: Adapter, layers: Int,
                outputDims: [Int], weights: LossWeights, detachAndRoll: Bool = true, excludedDims: [Int] = [],
                lmResiduals: [Int]? = nil) {
        precondition(excludedDims.allSatisfy { (0..<adapter.compiledWidth).contains($0) }, "Objective: excluded coordinate outside the compiled width")
        self.excludedDims = excludedDims
        let residuals = lmResiduals ?? Array(0...layers)
        if let problem = alignedResidualsProblem(residuals, layers: layers, lmBlocks: student.config.nLayers) { preconditionFailure("Objective: \(problem)") }
        self.lmResiduals = residuals
        self.method = method; self.student = student; self.teacher = teacher; self.adapter = adapter
        self.layers = layers; self.outputDims = outputDims; self.weights = weights
        self.detachAndRoll = detachAndRoll && method == .injection
        detachAndRollActive = self.detachAndRoll
        scratch = LossScratch(vocab: student.config.vocabSize)
    }

    /// The weight of each layer's cosine term.
    var layerWeight: Float { weights.normalization == .sum ? weights.beta : weights.beta / Float(max(layers, 1)) }

    /// Forward, losses and backward of one step; gradients accumulate into the parameter stores
    /// (the caller zeroes them before and applies the optimizer after).
    public func step(task: TaskBatch, text: [Int32]?, textRows: Int, textLength: Int) throws -> StepLosses {
        var out = StepLosses()
        let v = student.config.vocabSize
        clock = monotonicSeconds()
        // MARK: text pass (KL against the frozen teacher)
        if let text, let teacher, weights.gamma != 0 {
            let tl = try teacher.forward(text, batch: textRows, seq: textLength, options: ForwardOptions(training: false))
            lap("text teacher forward")
            let s = try student.forward(text, batch: textRows, seq: textLength, options: ForwardOptions(training: true))
            lap("text forward")
            out.kl = klDivergenceForwardBackward(teacher: tl.logits, student: s.logits, dstudent: s.logits, n: s.tokens, v: v,
                                                 batch: textRows, scratch: scratch, weight: weights.gamma)
            lap("KL")
            student.backward(dlogits: s.logits)
            lap("text backward")
        }
        // MARK: task pass
        var hook: (afterBlock: Int, hook: ResidualHook)? = nil
        if detachAndRoll && detachAndRollActive {
            out.detachAndRoll = true
            let p = try subspaceProjector(rows: adapter.rows(outputDims), r: outputDims.count, d: student.config.dModel)
            hook = (hookBlock, DetachAndRoll(projector: p, d: student.config.dModel, strength: detachAndRollStrength, source: complementSource))
        }
        // The LM head runs only at the answer positions, the only rows the cross-entropy reads.
        let answerRows = task.targets.indices.filter { task.targets[$0] >= 0 }
        let answerTargets = answerRows.map { task.targets[$0] }
        let f = try student.forward(task.tokens, batch: task.b, seq: task.t,
                                    options: ForwardOptions(training: true, hook: hook, logitRows: answerRows))
        lap("task forward")
        let m = answerRows.count
        (out.answerCorrect, out.answerTotal) = m == 0 ? (0, 0)
            : answerTargets.withUnsafeBufferPointer { argmaxAgreement(f.logits, $0.baseAddress!, n: m, v: v) }
        out.ce = m == 0 ? 0 : answerTargets.withUnsafeBufferPointer { tg in
            crossEntropyForwardBackward(logits: f.logits, targets: tg.baseAddress!, dlogits: f.logits, n: m, v: v, weight: weights.alpha).loss
        }
        lap("CE")
        var grads: [Int: UnsafePointer<Float>] = [:]
        if method == .injection {
            (out.cosine, out.output) = algorithmLoss(task, f, grads: &grads)
            let terms = out.cosine.reduce(Float(0)) { $0 + (1 - $1) }
            out.alg = weights.normalization == .sum ? terms : terms / Float(max(layers, 1))
            lap("algorithm loss")
        }
        student.backward(dlogits: f.logits, residualGrads: grads)
        lap("task backward")
        if out.detachAndRoll && weights.plainCE > 0 && m > 0 {
            // The same rows without the hook, cross-entropy only (residuals 0...k are the rolled pass's:
            // the hook acts above them, so the algorithm loss is not counted twice).
            let g = try student.forward(task.tokens, batch: task.b, seq: task.t,
                                        options: ForwardOptions(training: true, logitRows: answerRows))
            out.cePlain = answerTargets.withUnsafeBufferPointer { tg in
                crossEntropyForwardBackward(logits: g.logits, targets: tg.baseAddress!, dlogits: g.logits, n: m, v: v, weight: weights.plainCE).loss
            }
            student.backward(dlogits: g.logits)
            lap("plain task pass")
        }
        out.total = weights.alpha * out.ce + weights.gamma * out.kl + weights.plainCE * out.cePlain
            + (method == .injection ? weights.beta * out.alg + weights.outputEmphasis * out.output : 0)
        return out
    }

    /// For i = 0...k: adapter(h_i) against the compiled residual i over aligned positions; fills the
    /// adapter's gradients and `grads[i]` = ∂loss/∂h_i. Returns the mean cosine per layer and the
    /// output-emphasis term (1 − cos on the output coordinates at residual k or k+1; 0 when δ = 0).
    func algorithmLoss(_ task: TaskBatch, _ f: ForwardOutput, grads: inout [Int: UnsafePointer<Float>]) -> ([Float], Float) {
        let n = f.tokens, d = f.dModel, c = adapter.compiledWidth
        precondition(task.compiled.count == layers + 1, "task batch has \(task.compiled.count) compiled layers, the objective aligns \(layers + 1)")
        let rows = task.aligned.indices.filter { task.aligned[$0] }
        let m = rows.count
        if adapted.count < n * c { adapted = FloatBuffer(count: n * c); dAdapted = FloatBuffer(count: n * c) }
        if gatherA.count < m * c { gatherA = FloatBuffer(count: m * c); gatherC = FloatBuffer(count: m * c); gatherD = FloatBuffer(count: m * c) }
        while residualGrads.count <= layers { residualGrads.append(FloatBuffer(count: 0)) }
        var cosines: [Float] = []
        var outputTerm: Float = 0
        for i in 0...layers {
            let h = f.residual(lmResiduals[i])                        // [N, D]
            adapter.forward(adapted.pointer, h, n: n)                 // [N, C]
            for (j, r) in rows.enumerated() {
                gatherA.at(j * c).update(from: adapted.at(r * c), count: c)
                task.compiled[i].withUnsafeBufferPointer { gatherC.at(j * c).update(from: $0.baseAddress! + r * c, count: c) }
                // An excluded coordinate is 0 in both vectors: it adds nothing to the cosine, and its gradient is 0.
                for e in excludedDims { gatherA[j * c + e] = 0; gatherC[j * c + e] = 0 }
            }
            let loss = cosineLossForwardBackward(a: gatherA.pointer, c: gatherC.pointer, da: gatherD.pointer, n: m,
                                                 features: c, weight: layerWeight)
            cosines.append(1 - loss)
            dAdapted.zero()
            for (j, r) in rows.enumerated() { dAdapted.at(r * c).update(from: gatherD.at(j * c), count: c) }
            if i == layers && weights.outputEmphasis > 0 && weights.outputEmphasisAt == .lastAligned {
                outputTerm = outputEmphasisLoss(rows: rows, targets: task.targets, width: c)
            }
            if residualGrads[i].count < n * d { residualGrads[i] = FloatBuffer(count: n * d) }
            adapter.backward(dx: residualGrads[i].pointer, dy: dAdapted.pointer, x: h, n: n)
            grads[lmResiduals[i]] = UnsafePointer(residualGrads[i].pointer)
        }
        if weights.outputEmphasis > 0 && weights.outputEmphasisAt == .hooked {
            // gatherC still holds the compiled residual k at the aligned rows.
            let k1 = layers + 1, h = f.residual(hookBlock + 1)        // [N, D], after the hook (buffer k1)
            adapter.forward(adapted.pointer, h, n: n)
            for (j, r) in rows.enumerated() { gatherA.at(j * c).update(from: adapted.at(r * c), count: c) }
            dAdapted.zero()
            outputTerm = outputEmphasisLoss(rows: rows, targets: task.targets, width: c)
            while residualGrads.count <= k1 { residualGrads.append(FloatBuffer(count: 0)) }
            if residualGrads[k1].count < n * d { residualGrads[k1] = FloatBuffer(count: n * d) }
            adapter.backward(dx: residualGrads[k1].pointer, dy: dAdapted.pointer, x: h, n: n)
            grads[hookBlock + 1] = UnsafePointer(residualGrads[k1].pointer)
        }
        return (cosines, outputTerm)
    }

    /// δ·mean(1 − cos) over the output coordinates, at the gathered rows (gatherA/gatherC, layer k)
    /// that predict an answer token and whose compiled output is non-zero; its gradient is added into dAdapted.
    private func outputEmphasisLoss(rows: [Int], targets: [Int32], width c: Int) -> Float {
        let r = outputDims.count
        var a: [Float] = [], t: [Float] = [], at: [Int] = []
        for j in rows.indices where targets[rows[j]] >= 0 {
            let target = outputDims.map { gatherC[j * c + $0] }
            guard target.contains(where: { $0 != 0 }) else { continue }
            a += outputDims.map { gatherA[j * c + $0] }
            t += target
            at.append(rows[j])
        }
        guard !at.isEmpty else { return 0 }
        var d = [Float](repeating: 0, count: a.count)
        let loss = switch weights.outputEmphasisLoss {
        case .cosine: cosineLossForwardBackward(a: a, c: t, da: &d, n: at.count, features: r, weight: weights.outputEmphasis)
        case .softmax: cosineSoftmaxLossForwardBackward(a: a, c: t, da: &d, n: at.count, features: r, weight: weights.outputEmphasis)
        }
        for (j, row) in at.enumerated() {
            for (q, dim) in outputDims.enumerated() { dAdapted[row * c + dim] += d[j * r + q] }
        }
        return loss
    }
}

/// The mean over `n` rows of −log softmax(τ·a/‖a‖)[y], y = argmax of the row of `c` (a one-hot):
/// a cross-entropy whose logits are τ times the cosine of `a` with each value's one-hot. Its
/// gradient, `weight`/n · τ·(g − (g·u)·u)/‖a‖ with u = a/‖a‖ and g = softmax − e_y, is added to `da`.
/// A zero row contributes log(features) and no gradient. Returns the mean loss (unweighted).
func cosineSoftmaxLossForwardBackward(a: [Float], c: [Float], da: inout [Float], n: Int, features r: Int,
                                      weight: Float, tau: Double = 10) -> Float {
    precondition(a.count == n * r && c.count == n * r && da.count == n * r, "cosineSoftmaxLoss: shapes")
    guard n > 0 else { return 0 }
    var total = 0.0
    for j in 0..<n {
        let row = (j * r)..<((j + 1) * r)
        let y = row.max(by: { c[$0] < c[$1] })! - j * r
        let norm = row.reduce(0.0) { $0 + Double(a[$1]) * Double(a[$1]) }.squareRoot()
        guard norm > 0 else { total += log(Double(r)); continue }
        let u = row.map { Double(a[$0]) / norm }
        let z = u.map { tau * $0 }, top = z.max()!
        let e = z.map { exp($0 - top) }, sum = e.reduce(0, +)
        total += -(z[y] - top - log(sum))
        var g = e.map { $0 / sum }
        g[y] -= 1
        let gu = zip(g, u).reduce(0.0) { $0 + $1.0 * $1.1 }
        let scale = Double(weight) / Double(n) * tau / norm
        for q in 0..<r { da[j * r + q] += Float(scale * (g[q] - gu * u[q])) }
    }
    return Float(total / Double(n))
}

/// How many rows with a target ≥ 0 have their argmax equal to the target.
func argmaxAgreement(_ logits: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, n: Int, v: Int) -> (Int, Int) {
    var correct = 0, total = 0
    for r in 0..<n where targets[r] >= 0 {
        total += 1
        if argmax(logits + r * v, v) == Int(targets[r]) { correct += 1 }
    }
    return (correct, total)
}
