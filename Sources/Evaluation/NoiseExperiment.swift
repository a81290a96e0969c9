// The causal noise experiment (METHOD §5.7, DESIGN §5): task accuracy while exact-norm noise in
// a subspace is added at the output of block k (k = the adapter's last aligned layer, the place
// detach-and-roll acts) at every position. Subspaces: the adapter rows of the output variable,
// the paper's uniform-[0,1) control and an orthonormal random one of the same dimension. Norms:
// the paper's absolute ones and multiples of the mean residual norm at that point.
import Compiler
import Injection
import LM
import Support

public struct NoiseSettings: Sendable, Equatable {
    public var absoluteNorms: [Double]
    public var relativeMultiples: [Double]
    public var seed: UInt64
    /// Ridge of the projector (the paper's causality code: 1e-7).
    public var ridge: Double
    public init(absoluteNorms: [Double] = [0, 5, 10, 30], relativeMultiples: [Double] = [0.25, 0.5, 1, 2], seed: UInt64 = 42,
                ridge: Double = 1e-7) {
        self.absoluteNorms = absoluteNorms; self.relativeMultiples = relativeMultiples; self.seed = seed; self.ridge = ridge
    }
}

public struct NoisePoint: Sendable, Equatable {
    public var subspace: NoiseSubspace
    /// The L2 norm added at every position.
    public var norm: Double
    /// True when the norm was chosen as `multiple` × the mean residual norm.
    public var relative: Bool
    public var multiple: Double?
    public var accuracy: Accuracy
}

public struct NoiseResult: Sendable, Equatable {
    /// The hooked block (its output is perturbed).
    public var block: Int
    public var dimension: Int
    public var meanResidualNorm: Double
    public var points: [NoisePoint]
}

/// Checks that the adapter belongs to the compiled model: widths agree and `outputDims` are the
/// dimensions of the compiled model's output variable.
public func checkAdapter(_ adapter: Adapter, _ info: AdapterInfo, compiled: CompiledModel, lmWidth: Int, lmBlocks: Int,
                         adapterPath: String, compiledPath: String) throws {
    var problems: [String] = []
    if adapter.compiledWidth != compiled.width {
        problems.append("the adapter maps to \(adapter.compiledWidth) dimensions, \(compiledPath) has a residual of \(compiled.width)")
    }
    if adapter.lmWidth != lmWidth { problems.append("the adapter reads \(adapter.lmWidth) dimensions, the LM's residual has \(lmWidth)") }
    if info.outputDims != compiled.output.dims {
        problems.append("output_dims \(info.outputDims) are not the dimensions \(compiled.output.dims) of \(compiled.outputLabel) in \(compiledPath)")
    }
    if info.outputDims.isEmpty { problems.append("output_dims is empty") }
    if !(0..<lmBlocks).contains(info.hookBlock) { problems.append("the hook after block \(info.hookBlock) (layers = \(info.layers)), the LM has blocks 0..<\(lmBlocks)") }
    guard problems.isEmpty else {
        throw EvaluationInputError("\(adapterPath) does not fit: " + problems.joined(separator: "; ") + "; rerun distill with this compiled model")
    }
}

/// Mean L2 norm of the residual after block `block` (before any hook) over the real positions of
/// `sequences` after the first. The first position is left out: SmolLM2 (like other Llama models)
/// parks a massive activation there (norm ≈ 23,000 after block 13 against ≈ 150 elsewhere), which
/// would make the "mean" several times the norm of every other position.
public func meanResidualNorm(_ model: TransformerLM, _ sequences: [[Int32]], block: Int, shape: BatchShape, pad: Int32) throws -> Double {
    let d = model.config.dModel
    var total = 0.0, count = 0
    try forEachBatch(model, sequences, shape: shape, pad: pad, progress: nil) { batch, out in
        let res = out.residual(block + 1)
        for (r, m) in batch.members.enumerated() {
            for t in 1..<max(sequences[m].count, 1) {
                let v = res + (r * batch.seq + t) * d
                var s = 0.0
                for j in 0..<d { s += Double(v[j]) * Double(v[j]) }
                total += s.squareRoot(); count += 1
            }
        }
    }
    return count == 0 ? 0 : total / Double(count)
}

/// How many scoring passes `noiseExperiment` makes (norm 0 is shared by the subspaces).
public func noiseRuns(_ settings: NoiseSettings) -> Int {
    let zero = settings.absoluteNorms.contains(0) || settings.relativeMultiples.contains(0)
    let nonzero = settings.absoluteNorms.filter { $0 != 0 }.count + settings.relativeMultiples.filter { $0 != 0 }.count
    return NoiseSubspace.allCases.count * nonzero + (zero ? 1 : 0)
}

/// Runs every (subspace, norm) point on `cases`; norm 0 is run once and shared by the subspaces.
public func noiseExperiment(_ model: TransformerLM, _ cases: [AnswerCase], adapter: Adapter, info: AdapterInfo,
                            settings: NoiseSettings, shape: BatchShape = BatchShape(), pad: Int32,
                            progress: ProgressBar? = nil) throws -> NoiseResult {
    let d = model.config.dModel, k = info.hookBlock, r = info.outputDims.count
    let mean = try meanResidualNorm(model, cases.map(\.prompt), block: k, shape: shape, pad: pad)
    let rng = SeededRNG(seed: settings.seed)
    func seed(_ label: String) -> UInt64 { var g = rng.derived(label); return g.next() }
    var projectors: [NoiseSubspace: [Float]] = [:]
    for s in NoiseSubspace.allCases {
        let rows = subspaceRows(s, adapterRows: adapter.rows(info.outputDims), r: r, d: d,
                                seed: seed("noise/rows/\(s.rawValue)"))
        projectors[s] = try subspaceProjector(rows: rows, r: r, d: d, ridge: settings.ridge)
    }
    let norms = settings.absoluteNorms.map { (norm: $0, multiple: Double?.none) }
        + settings.relativeMultiples.map { (norm: $0 * mean, multiple: Double?.some($0)) }
    var zeroAccuracy: Accuracy?
    var points: [NoisePoint] = []
    for s in NoiseSubspace.allCases {
        for (norm, multiple) in norms {
            let acc: Accuracy
            if norm == 0, let z = zeroAccuracy {
                acc = z
            } else {
                let label = "noise/\(s.rawValue)/\(multiple.map { "x\($0)" } ?? "\(norm)")"
                let hook = ExactNormNoise(projector: projectors[s]!, d: d, norm: norm, seed: seed(label))
                acc = accuracy(try scoreAnswers(model, cases, shape: shape, pad: pad, hook: (afterBlock: k, hook: hook),
                                                progress: progress))
                if norm == 0 { zeroAccuracy = acc }
            }
            points.append(NoisePoint(subspace: s, norm: norm, relative: multiple != nil, multiple: multiple, accuracy: acc))
        }
    }
    return NoiseResult(block: k, dimension: r, meanResidualNorm: mean, points: points)
}
