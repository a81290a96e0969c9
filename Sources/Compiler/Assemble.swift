// Pass 5: assembly (tracr's assemble.py). The residual basis is the sorted union of every
// block's directions with tokens (vocab + BOS + PAD), indices and the output; blocks become
// dense per-layer matrices over it: per head W_Q, W_K, W_V [d, key_size] and W_O [key_size, d]
// (key_size = the largest head space, attention logits scaled by 1/√key_size as in tracr's
// model), per MLP W1 [d, hidden] and W2 [hidden, d]; embeddings and the output projection.
import RASP
import Craft

public struct CompiledHead: Sendable {
    public var wq: Matrix   // [d, key_size]
    public var wk: Matrix   // [d, key_size]
    public var wv: Matrix   // [d, key_size]
    public var wo: Matrix   // [key_size, d]
}

public struct CompiledLayer: Sendable {
    public var heads: [CompiledHead]
    public var w1: Matrix?  // [d, hidden]
    public var w2: Matrix?  // [hidden, d]
    public var mlpHidden: Int { w1?.columns ?? 0 }
}

/// A named variable of the residual: its dimensions and, for categorical ones, their values.
public struct ResidualVariable: Sendable {
    public var label: String
    public var encoding: Encoding
    public var dims: [Int]
    public var values: [Value?]     // per dim; nil for numerical and 1-d helper directions
}

/// The compiled transformer with its labelled residual basis.
public struct CompiledModel: Sendable {
    public var residual: [Direction]
    public var tokens: [Value]                 // embedding rows, in order
    public var tokenEmbedding: Matrix          // [tokens, d]
    public var positionEmbedding: Matrix       // [max_seq_len + 1, d]; row 0 (BOS) is zero
    public var layers: [CompiledLayer]
    public var keySize: Int
    public var outputLabel: String
    public var outputEncoding: Encoding
    public var variables: [ResidualVariable]
    public var vocab: [Value]
    public var tokenType: String
    public var bos: String
    public var pad: String
    public var maxSeqLen: Int
    public var causal: Bool
    public var mlpExactness: Double
    public var programFile: String
    public var programSource: String

    public var width: Int { residual.count }
    public var residualLabels: [String] { residual.map(\.description) }
    public var attentionScale: Float { 1 / Float(keySize).squareRoot() }
    public var output: ResidualVariable { variables.first { $0.label == outputLabel }! }
}

func assemble(_ g: ProgramGraph, _ vs: ValueSets, _ craft: [CraftLayer], _ o: CompileOptions,
              tokenType: String, file: String, source: String) -> CompiledModel {
    let tokenValues = o.vocab + [.string(o.bos), .string(o.pad)]
    let tokensSpace = Space(name: "tokens", values: tokenValues)
    let indicesSpace = Space(name: "indices", values: (0..<o.maxSeqLen).map { .int($0) })
    var spaces = [tokensSpace, indicesSpace, vs.spaces[g.output]!]
    for layer in craft {
        spaces += layer.heads.map(\.residual)
        if let m = layer.mlp { spaces.append(m.residual) }
    }
    let residual = Space.join(spaces)
    let d = residual.count
    func at(_ dir: Direction) -> Int { residual.position(of: dir)! }

    let keySize = max(1, craft.flatMap(\.heads).map { max($0.query.count, $0.key.count, $0.output.count) }.max() ?? 1)
    var layers: [CompiledLayer] = []
    for layer in craft {
        var heads: [CompiledHead] = []
        for h in layer.heads {
            var wq = Matrix(rows: d, columns: keySize), wk = Matrix(rows: d, columns: keySize)
            var wv = Matrix(rows: d, columns: keySize), wo = Matrix(rows: keySize, columns: d)
            for (i, qd) in h.query.basis.enumerated() { for j in 0..<h.key.count { wq[at(qd), j] = h.qk[i, j] } }
            for (j, kd) in h.key.basis.enumerated() { wk[at(kd), j] = 1 }
            for (i, vd) in h.value.basis.enumerated() { for c in 0..<h.output.count { wv[at(vd), c] = h.ov[i, c] } }
            for (c, od) in h.output.basis.enumerated() { wo[c, at(od)] = 1 }
            heads.append(CompiledHead(wq: wq, wk: wk, wv: wv, wo: wo))
        }
        var w1: Matrix? = nil, w2: Matrix? = nil
        if let m = layer.mlp {
            let hidden = m.hidden.count
            var a = Matrix(rows: d, columns: hidden), b = Matrix(rows: hidden, columns: d)
            for (i, dir) in m.input.basis.enumerated() {
                let r = at(dir) * hidden, src = i * hidden
                for h in 0..<hidden { a.values[r + h] = m.first.values[src + h] }
            }
            let outCols = m.output.basis.map(at)
            for h in 0..<hidden { for (j, c) in outCols.enumerated() { b[h, c] = m.second[h, j] } }
            w1 = a
            w2 = b
        }
        layers.append(CompiledLayer(heads: heads, w1: w1, w2: w2))
    }

    var tokenEmbedding = Matrix(rows: tokensSpace.count, columns: d)
    let hasOne = residual.contains(oneDirection)
    for (r, dir) in tokensSpace.basis.enumerated() {
        tokenEmbedding[r, at(dir)] = 1
        if hasOne { tokenEmbedding[r, at(oneDirection)] = 1 }
    }
    var positionEmbedding = Matrix(rows: o.maxSeqLen + 1, columns: d)
    for dir in indicesSpace.basis {
        guard case .int(let i)? = dir.value else { continue }
        positionEmbedding[i + 1, at(dir)] = 1
    }

    // Variables: group directions by name, in residual order.
    var variables: [ResidualVariable] = []
    var slot: [String: Int] = [:]
    let encodings = Dictionary(uniqueKeysWithValues: g.nodes.map { ($0.label, $0.encoding) })
    for (i, dir) in residual.basis.enumerated() {
        if let s = slot[dir.name] {
            variables[s].dims.append(i)
            variables[s].values.append(dir.value)
        } else {
            slot[dir.name] = variables.count
            variables.append(ResidualVariable(label: dir.name, encoding: encodings[dir.name] ?? (dir.value == nil ? .numerical : .categorical),
                                              dims: [i], values: [dir.value]))
        }
    }
    return CompiledModel(residual: residual.basis, tokens: tokensSpace.basis.map { $0.value! }, tokenEmbedding: tokenEmbedding,
                         positionEmbedding: positionEmbedding, layers: layers, keySize: keySize, outputLabel: g.label(g.output),
                         outputEncoding: g.node(g.output).encoding, variables: variables, vocab: o.vocab, tokenType: tokenType,
                         bos: o.bos, pad: o.pad, maxSeqLen: o.maxSeqLen, causal: o.causal, mlpExactness: o.mlpExactness,
                         programFile: file, programSource: source)
}
