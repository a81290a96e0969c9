// Attention heads over categorical queries and keys (tracr's chamber/categorical_attn.py and
// selector_width.py). The BOS position holds bos + one; W_QK adds coldness·c between the
// query's `one` and the key's `bos` (c = ½: BOS wins only when nothing else matches, so an
// empty selection reads BOS, whose value maps to the default; c = 1: BOS always shares
// attention, which SelectorWidth uses to compute 1/(width+1)).
import RASP

public struct AttentionSpaces {
    public var query: Space
    public var key: Space
    public var bos: Direction
    public var one: Direction
    public init(query: Space, key: Space, bos: Direction, one: Direction) {
        self.query = query
        self.key = key
        self.bos = bos
        self.one = one
    }
}

/// W_QK for predicate(key, query), plus the BOS term.
func scoreMatrix(_ s: AttentionSpaces, coldness: Double, bosShare: Double,
                 predicate: (Value, Value) throws -> Bool) throws -> (Space, Space, Matrix) {
    let q = Space.join([s.query, Space([s.bos, s.one])])
    let k = Space.join([s.key, Space([s.bos])])
    var m = Matrix(rows: q.count, columns: k.count)
    for (i, qd) in q.basis.enumerated() {
        for (j, kd) in k.basis.enumerated() {
            if qd == s.one && kd == s.bos { m[i, j] = Float(bosShare * coldness); continue }
            if [s.one, s.bos].contains(qd) || [s.one, s.bos].contains(kd) { continue }
            guard let qv = qd.value, let kv = kd.value else { continue }
            if try predicate(kv, qv) { m[i, j] = Float(coldness) }
        }
    }
    return (q, k, m)
}

/// Aggregate: moves the selected value (categorical: one-hot values; numerical: the mean) to
/// the output; an empty selection attends to BOS and yields zero.
public func categoricalAttention(_ s: AttentionSpaces, value: Space, output: Space, coldness: Double,
                                 predicate: (Value, Value) throws -> Bool) throws -> AttentionBlock {
    let (q, k, m) = try scoreMatrix(s, coldness: coldness, bosShare: 0.5, predicate: predicate)
    let v = Space.join([value, Space([s.bos])])
    var head = AttentionBlock(query: q, key: k, value: v, output: output)
    head.qk = m
    let valueDirections = v.basis.filter { $0 != s.bos }
    guard valueDirections.count == output.count else {
        throw CraftError("Aggregate value space has \(valueDirections.count) directions but the output has \(output.count)")
    }
    for (vd, od) in zip(valueDirections, output.basis) {
        head.ov[v.position(of: vd)!, output.position(of: od)!] = 1
    }
    return head
}

/// SelectorWidth: an always-BOS head writing 1/(width+1) to `attnOutput`, then an MLP that
/// decodes the width (discretising, slope `large`) and removes what it wrote at BOS.
public func selectorWidthBlocks(_ s: AttentionSpaces, output: Space, categorical: Bool, attnOutput: Direction,
                                widths: [Int], coldness: Double, large: Double, hiddenName: String,
                                predicate: (Value, Value) throws -> Bool) throws -> (AttentionBlock, MLPBlock) {
    let (q, k, m) = try scoreMatrix(s, coldness: coldness, bosShare: 1, predicate: predicate)
    var head = AttentionBlock(query: q, key: k, value: Space([s.bos]), output: Space([attnOutput]))
    head.qk = m
    head.ov[0, 0] = 1
    let inputs = widths.map { 1 / (Double($0) + 1) }
    let width: (Double) -> Value? = { x in .int(Int((1 / x - 1).rounded(.toNearestOrEven))) }
    var mlp: MLPBlock
    if categorical {
        mlp = try mapNumericalToCategoricalMLP(input: attnOutput, output: output, one: s.one, inputValues: inputs,
                                               hiddenName: hiddenName, large: large, f: width)
    } else {
        mlp = try mapNumericalMLP(input: attnOutput, output: output.basis[0], one: s.one, inputValues: inputs,
                                  hiddenName: hiddenName, large: large, f: width)
    }
    // At BOS the head wrote 1 to attnOutput and the MLP wrote width 0; subtract both there.
    let cleanOut = Space.join([Space([attnOutput]), output])
    var clean = MLPBlock(input: Space([s.bos]), output: cleanOut, hidden: ["\(sharedHiddenPrefix)clean_bos"])
    clean.setFirst(s.bos, 0, 1)
    clean.addSecond(0, attnOutput, -1)
    if categorical {
        guard let zero = output.basis.first(where: { $0.value == .int(0) }) else { throw CraftError("SelectorWidth output has no value 0") }
        clean.addSecond(0, zero, -1)
    }
    return (head, combineInParallel([mlp, clean]))
}
