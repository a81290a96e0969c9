// Least-squares initialisation of the adapter (`--adapter-init least-squares`, a departure from
// the paper, whose adapter starts as PyTorch's random nn.Linear). Before training, the untouched
// LM reads some training examples; one ridge least-squares affine map from its residuals 0...k to
// the compiled residuals 0...k, pooled over every aligned position of every layer (the adapter is
// shared by all layers), replaces the random weights. The detach-and-roll subspace then starts as
// the directions that best predict the output variable, not random ones.
// Legend: N positions of a batch, M aligned positions, D LM width, C compiled width, k layers.
import Engine
import LM
import Support
import Tensor

/// What the fit saw and how well it fits: the mean cosine per layer of the fitted map on its own rows.
public struct AdapterFit: Sendable {
    public var examples: Int
    public var rows: Int
    public var ridge: Double
    public var cosine: [Float]
    /// Output dimensions constant over the fitted rows, whose random rows were kept.
    public var keptRandom: [Int]
    public var seconds: Double
}

/// Fits `adapter` by ridge least squares (λ = `ridge` × mean diagonal of the centred Gram matrix)
/// on `records`, read `batch` rows at a time by `model` (no hook, no gradients). Starts from the
/// adapter's current (random) weights: output rows the data cannot fit keep them.
public func fitAdapterByLeastSquares(_ adapter: Adapter, model: TransformerLM, teacher: CompiledTeacher,
                                     records: [TaskRecord], pad: Int32, layers k: Int, outputDims: [Int], batch: Int,
                                     lmResiduals: [Int]? = nil, ridge: Double = 1e-3) throws -> AdapterFit {
    let residuals = lmResiduals ?? Array(0...k)
    if let problem = alignedResidualsProblem(residuals, layers: k, lmBlocks: model.config.nLayers) { preconditionFailure("fitAdapterByLeastSquares: \(problem)") }
    guard !records.isEmpty else { throw InjectionError("adapter least-squares init: no training examples to fit on") }
    let began = monotonicSeconds()
    let d = adapter.lmWidth, c = adapter.compiledWidth
    var eq = NormalEquations(inputWidth: d, outputWidth: c)
    var firstRows: [(x: [[Float]], y: [[Float]])] = []         // the first batches' rows, for the fit's own cosine below
    for start in stride(from: 0, to: records.count, by: batch) {
        let part = Array(records[start..<min(start + batch, records.count)])
        let tb = try teacher.batch(part, pad: pad, withTargets: true)
        let (x, y) = try alignedRows(tb, model: model, residuals: residuals, d: d, c: c)
        for i in 0...k where !x[i].isEmpty { try eq.add(x: x[i], y: y[i], rows: x[i].count / d) }
        if firstRows.count < 4 { firstRows.append((x, y)) }
    }
    let rows = eq.rows
    var map = try eq.solve(ridge: ridge)
    // Output rows the data cannot fit keep their random initialisation (`unfittedRows`).
    let kept = unfittedRows(map, outputDims).map { outputDims[$0] }
    for o in kept {
        for j in 0..<d { map.weight[o * d + j] = adapter.weight[o * d + j] }
        map.bias[o] = adapter.bias[o]
    }
    map.weight.withUnsafeBufferPointer { adapter.weight.update(from: $0.baseAddress!, count: c * d) }
    map.bias.withUnsafeBufferPointer { adapter.bias.update(from: $0.baseAddress!, count: c) }
    // The fit's mean cosine per layer on its first batches (what the cosine loss sees at step 0).
    var sums = [Double](repeating: 0, count: k + 1), counts = [Int](repeating: 0, count: k + 1)
    for (x, y) in firstRows {
        for i in 0...k where !x[i].isEmpty {
            let m = x[i].count / d
            var a = [Float](repeating: 0, count: m * c)
            x[i].withUnsafeBufferPointer { xp in adapter.forward(&a, xp.baseAddress!, n: m) }
            sums[i] += Double(m) * Double(1 - cosineLossForwardBackward(a: a, c: y[i], da: nil, n: m, features: c))
            counts[i] += m
        }
    }
    let cosine = (0...k).map { Float(sums[$0] / Double(max(counts[$0], 1))) }
    return AdapterFit(examples: records.count, rows: rows, ridge: ridge, cosine: cosine, keptRandom: kept,
                      seconds: monotonicSeconds() - began)
}

/// Which of `rows` of a fitted map are (numerically) zero: a compiled dimension that never varies
/// over the fitted rows (a value that never occurs there) gets a zero row. The output variable's
/// rows span the detach-and-roll subspace and must stay independent, so callers keep the adapter's
/// current row for these. Returned as indices into `rows`.
func unfittedRows(_ map: AffineMap, _ rows: [Int]) -> [Int] {
    let d = map.inputWidth
    let norms = rows.map { o in (0..<d).reduce(Float(0)) { $0 + map.weight[o * d + $1] * map.weight[o * d + $1] }.squareRoot() }
    let largest = norms.max() ?? 0
    return norms.indices.filter { norms[$0] <= 1e-6 * largest }
}

/// Per layer i = 0...k: the rows x [M, D] of LM residual residuals[i] and compiled rows y [M, C] at aligned positions.
private func alignedRows(_ tb: TaskBatch, model: TransformerLM, residuals: [Int], d: Int, c: Int) throws -> ([[Float]], [[Float]]) {
    let out = try model.forward(tb.tokens, batch: tb.b, seq: tb.t, options: ForwardOptions(training: false, computeLogits: false))
    let rows = tb.aligned.indices.filter { tb.aligned[$0] }
    var xs: [[Float]] = [], ys: [[Float]] = []
    for (i, lmResidual) in residuals.enumerated() {
        let h = out.residual(lmResidual)
        var x = [Float](repeating: 0, count: rows.count * d), y = [Float](repeating: 0, count: rows.count * c)
        for (j, r) in rows.enumerated() {
            for q in 0..<d { x[j * d + q] = h[r * d + q] }
            for q in 0..<c { y[j * c + q] = tb.compiled[i][r * c + q] }
        }
        xs.append(x); ys.append(y)
    }
    return (xs, ys)
}

/// What a refit of the output rows saw: rows (answer positions), how often the refitted rows' argmax
/// agrees with the compiled output there (on the fitted rows), and seconds.
public struct OutputRefit: Sendable {
    public var rows: Int
    public var agreement: Double
    /// Output dimensions constant at the answer positions (a value never asked there), whose rows were kept.
    public var kept: [Int]
    public var seconds: Double
}

/// `--output-refit-every` (a departure): the adapter's rows for the output variable (weight and
/// bias) are refitted by weighted ridge least squares on the model's *current* residuals, pooling
/// (a) every aligned position of every aligned layer i (LM residual `lmResiduals[i]` → the compiled
/// output coordinates after layer i, as the least-squares initialisation fits them: the adapter is
/// shared, and these rows enter every layer's cosine) and (b) the positions that predict an answer
/// token at the hooked residual (`lmResiduals[k] + 1`, the output of the hooked block → the compiled
/// output after layer k), the two groups weighted equally. Detach-and-roll keeps exactly the span of
/// these rows, so after the refit it keeps the directions in which the model holds its answer
/// linearly at the hook (`decode --answer-probe`). Every other row is left as it is, and so is an
/// output row the data cannot fit (its value never occurs): the rows must stay independent for
/// the projector.
public func refitOutputRows(_ adapter: Adapter, model: TransformerLM, teacher: CompiledTeacher, records: [TaskRecord],
                            pad: Int32, layers k: Int, outputDims: [Int], lmResiduals: [Int], batch: Int,
                            ridge: Double = 1e-3) throws -> OutputRefit {
    guard !records.isEmpty, !outputDims.isEmpty else { throw InjectionError("output refit: no training examples or no output dimensions") }
    if let problem = alignedResidualsProblem(lmResiduals, layers: k, lmBlocks: model.config.nLayers) { preconditionFailure("refitOutputRows: \(problem)") }
    let began = monotonicSeconds()
    let d = adapter.lmWidth, c = adapter.compiledWidth, r = outputDims.count, hooked = lmResiduals[k] + 1
    var eq = NormalEquations(inputWidth: d, outputWidth: r)
    var answers: [(x: [Float], y: [Float])] = []
    func gather(_ h: UnsafePointer<Float>, _ compiled: [Float], _ rows: [Int]) -> (x: [Float], y: [Float]) {
        var x = [Float](repeating: 0, count: rows.count * d), y = [Float](repeating: 0, count: rows.count * r)
        for (j, row) in rows.enumerated() {
            for q in 0..<d { x[j * d + q] = h[row * d + q] }
            for (o, dim) in outputDims.enumerated() { y[j * r + o] = compiled[row * c + dim] }
        }
        return (x, y)
    }
    for start in stride(from: 0, to: records.count, by: batch) {
        let tb = try teacher.batch(Array(records[start..<min(start + batch, records.count)]), pad: pad, withTargets: true)
        let out = try model.forward(tb.tokens, batch: tb.b, seq: tb.t, options: ForwardOptions(training: false, computeLogits: false))
        let aligned = tb.aligned.indices.filter { tb.aligned[$0] }
        let answerRows = tb.targets.indices.filter { tb.targets[$0] >= 0 && tb.aligned[$0] }
        guard !aligned.isEmpty, !answerRows.isEmpty else { continue }
        for (i, residual) in lmResiduals.enumerated() {
            let (x, y) = gather(out.residual(residual), tb.compiled[i], aligned)
            try eq.add(x: x, y: y, rows: aligned.count)
        }
        let answer = gather(out.residual(hooked), tb.compiled[k], answerRows)
        try eq.add(x: answer.x, y: answer.y, rows: answerRows.count,
                   weight: Double(aligned.count * (k + 1)) / Double(answerRows.count))
        answers.append(answer)
    }
    guard !answers.isEmpty else { throw InjectionError("output refit: the examples have no answer positions") }
    let map = try eq.solve(ridge: ridge)
    let unfitted = Set(unfittedRows(map, Array(outputDims.indices)))
    for (o, dim) in outputDims.enumerated() where !unfitted.contains(o) {
        for q in 0..<d { adapter.weight[dim * d + q] = map.weight[o * d + q] }
        adapter.bias[dim] = map.bias[o]
    }
    let kept = unfitted.sorted().map { outputDims[$0] }
    // How often the refitted rows read the compiled answer at the hook (argmax), on the fitted rows.
    var agree = 0, total = 0
    for (x, y) in answers {
        let m = x.count / d
        let p = try map.apply(x, rows: m)
        for j in 0..<m {
            let s = p[(j * r)..<((j + 1) * r)], t = y[(j * r)..<((j + 1) * r)]
            if s.indices.max(by: { s[$0] < s[$1] }) == t.indices.max(by: { t[$0] < t[$1] }) { agree += 1 }
        }
        total += m
    }
    return OutputRefit(rows: eq.rows, agreement: Double(agree) / Double(max(total, 1)), kept: kept, seconds: monotonicSeconds() - began)
}

/// What `--output-rows unembedding` did: the LM token each output dimension was tied to (nil: the
/// value never answered a training example there, and the row was left as it was).
public struct UnembeddingRows: Sendable {
    public var tokens: [Int?]
    /// Answer positions the value → token pairs were counted on, and the share agreeing with the pick.
    public var positions: Int
    public var agreement: Double
}

/// `--output-rows unembedding` (a departure): each row of the output variable becomes the readout
/// direction of the LM token that the variable's value stands for at the answer positions (g ⊙ W_head[t],
/// the logit lens of t), scaled to the norm of the row it replaces (its bias kept). The token of a value
/// is the commonest next token at the answer positions whose compiled output has that value, counted on
/// `records`. Detach-and-roll then keeps the directions the LM's head already reads its answer from, so
/// the blocks above the hook need not learn a new readout.
public func setOutputRowsToUnembedding(_ adapter: Adapter, model: TransformerLM, teacher: CompiledTeacher,
                                       records: [TaskRecord], pad: Int32, layers k: Int, outputDims: [Int],
                                       batch: Int) throws -> UnembeddingRows {
    guard !records.isEmpty, !outputDims.isEmpty else { throw InjectionError("--output-rows unembedding: no training examples or no output dimensions") }
    let c = adapter.compiledWidth, d = adapter.lmWidth
    var counts = [[Int32: Int]](repeating: [:], count: outputDims.count)
    var positions = 0
    for start in stride(from: 0, to: records.count, by: batch) {
        let tb = try teacher.batch(Array(records[start..<min(start + batch, records.count)]), pad: pad, withTargets: true)
        for row in tb.targets.indices where tb.targets[row] >= 0 && tb.aligned[row] {
            let values = outputDims.map { tb.compiled[k][row * c + $0] }
            guard let best = values.indices.max(by: { values[$0] < values[$1] }), values[best] > 0.5 else { continue }
            counts[best][tb.targets[row], default: 0] += 1
            positions += 1
        }
    }
    guard positions > 0 else { throw InjectionError("--output-rows unembedding: no answer position of the \(records.count) examples has a compiled output value") }
    let picks = counts.map { $0.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key }
    let tied = picks.compactMap { $0 }
    guard Set(tied).count == tied.count else {
        throw InjectionError("--output-rows unembedding: two values of the output variable answer with the same LM token (\(picks.map { $0.map(String.init) ?? "–" }.joined(separator: ", "))), so their rows would coincide; use --output-rows fitted")
    }
    var agreeing = 0
    for (o, dim) in outputDims.enumerated() {
        guard let token = picks[o] else { continue }
        agreeing += counts[o][token]!
        let u = model.readoutDirection(token: Int(token))
        let row = UnsafeMutableBufferPointer(start: adapter.weight + dim * d, count: d)
        let old = row.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot(), norm = u.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        let scale = norm > 0 ? old / norm : 0
        for q in 0..<d { row[q] = u[q] * scale }
    }
    return UnembeddingRows(tokens: picks.map { $0.map(Int.init) }, positions: positions, agreement: Double(agreeing) / Double(positions))
}
