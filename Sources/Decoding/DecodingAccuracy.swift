// Beyond the paper (DESIGN §5): how often the argmax decode of every variable, read from a
// model's adapted residual i, equals the compiled model's own value at the aligned position,
// for every aligned layer i = 0...k over held-out examples; and the control's adapter, fitted by
// least squares from the baseline's residuals to the compiled residuals on training examples.
import Compiler
import LM
import RASP
import Tasks
import Tensor

/// One scoring input: an LM token sequence and the compiled input it is aligned with.
public struct AlignedExample: Sendable, Equatable {
    public var lmTokens: [Int]
    public var compiledInput: [RASP.Value]
    /// compiled position (1-based; 0 is BOS) of each LM position.
    public var lmToCompiled: [Int]
    public init(lmTokens: [Int], compiledInput: [RASP.Value], lmToCompiled: [Int]) {
        self.lmTokens = lmTokens; self.compiledInput = compiledInput; self.lmToCompiled = lmToCompiled
    }
}

extension AlignedExample {
    public init(_ row: TaskRow, model: CompiledModel, line: String = "") throws {
        guard let c = row.compiled else {
            throw DecodeError("\(line)the row has no compiled inputs; regenerate the data with generate-data task --model default")
        }
        self.init(lmTokens: c.lmTokens, compiledInput: try compiledValues(c.compiledTokens, for: model, line: line),
                  lmToCompiled: c.lmToCompiled)
    }
}

/// Per-variable agreement counts over layers 0...k. A variable is scored at a position and
/// layer only where the compiled model has a value for it (its largest dimension is unique);
/// before the layer that writes it, it has none, and its accuracy there is nil.
public struct AccuracyTally: Sendable, Equatable {
    public let variables: [String]        // the scored (non-constant) variables
    public var correct: [[Int]]           // [variable][layer]
    public var scored: [[Int]]            // [variable][layer]: positions where the compiled value exists
    public var positions = 0              // LM positions seen per layer

    public init(variables: [String], layers: Int) {
        self.variables = variables
        correct = variables.map { _ in [Int](repeating: 0, count: layers + 1) }
        scored = correct
    }

    /// Adds one layer's decoded table and truth ([position][variable of `columns`]).
    mutating func add(layer: Int, decoded: [[String]], truth: [[String?]], columns: [Int]) {
        for (d, t) in zip(decoded, truth) {
            for (slot, v) in columns.enumerated() {
                guard let value = t[v] else { continue }
                scored[slot][layer] += 1
                if d[v] == value { correct[slot][layer] += 1 }
            }
        }
    }

    public var fractions: LayerAccuracy {
        var out: LayerAccuracy = [:]
        for (i, name) in variables.enumerated() {
            out[name] = zip(correct[i], scored[i]).map { $1 == 0 ? nil : Double($0) / Double($1) }
        }
        return out
    }
}

/// Scores `examples` at layers 0...k. `residuals(example)` gives the model's residuals 0...k
/// ([T, map.inputWidth] each, T = example's LM positions); they are mapped by `map` and decoded,
/// and compared with the compiled model's residuals decoded at the aligned positions.
public func scoreDecoding(_ examples: [AlignedExample], layers k: Int, decoder: ResidualDecoder, runner: ModelRunner,
                          map: AffineMap, residuals: (AlignedExample) throws -> [[Float]]) throws -> AccuracyTally {
    guard map.outputWidth == decoder.width else {
        throw DecodeError("decode: the adapter maps to \(map.outputWidth) dimensions, the compiled model has \(decoder.width)")
    }
    let columns = decoder.variables.indices.filter { !decoder.variables[$0].isConstant }
    var tally = AccuracyTally(variables: columns.map { decoder.variables[$0].name }, layers: k)
    for e in examples {
        let lm = try residuals(e)
        guard lm.count == k + 1 else { throw DecodeError("decode: \(lm.count) residuals given, layers 0...\(k) needed") }
        let compiled = try compiledResiduals(runner, input: e.compiledInput, layers: k)
        let t = e.lmTokens.count
        for layer in 0...k {
            let decoded = try decoder.decode(try map.apply(lm[layer], rows: t), positions: t)
            let truth = try decoder.truth(compiled[layer], positions: e.lmToCompiled)
            tally.add(layer: layer, decoded: decoded, truth: truth, columns: columns)
        }
        tally.positions += t
    }
    return tally
}

/// The control adapter: ridge least squares from `lm`'s residuals 0...k to the compiled
/// residuals 0...k at the aligned positions, all layers pooled (one map shared by every layer,
/// as the injected adapter is).
public func fitControlAdapter(_ examples: [AlignedExample], lm: TransformerLM, runner: ModelRunner, layers k: Int,
                              ridge: Double, lmResidualsOf aligned: [Int]? = nil) throws -> (map: AffineMap, rows: Int) {
    let aligned = aligned ?? Array(0...k)
    let d = lm.config.dModel, c = runner.model.width
    var eq = NormalEquations(inputWidth: d, outputWidth: c)
    for e in examples {
        let x = try lmResiduals(lm, tokens: e.lmTokens, at: aligned)
        let compiled = try compiledResiduals(runner, input: e.compiledInput, layers: k)
        let t = e.lmTokens.count
        var xs: [Float] = [], ys: [Float] = []
        xs.reserveCapacity((k + 1) * t * d); ys.reserveCapacity((k + 1) * t * c)
        for layer in 0...k {
            xs += x[layer]
            for p in e.lmToCompiled { ys += compiled[layer][(p * c)..<((p + 1) * c)] }
        }
        try eq.add(x: xs, y: ys, rows: (k + 1) * t)
    }
    return (try eq.solve(ridge: ridge), eq.rows)
}
