// The craft blocks a compiled layer is made of (tracr's craft/transformers.py): an MLP maps
// its input directions through named ReLU hidden units to its output directions; an attention
// head scores query directions against key directions (W_QK) and moves value directions to
// output directions (W_OV). Matrices are dense, row-major, in the spaces' sorted order.

/// A dense row-major matrix of Float.
public struct Matrix: Sendable {
    public var rows: Int
    public var columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        values = Array(repeating: 0, count: rows * columns)
    }

    public subscript(r: Int, c: Int) -> Float {
        get { values[r * columns + c] }
        set { values[r * columns + c] = newValue }
    }
}

/// One ReLU MLP: out = relu(in · first) · second, over named hidden units.
public struct MLPBlock: Sendable {
    public var input: Space
    public var output: Space
    /// Hidden unit names; units with the same name in blocks combined in parallel are shared.
    public var hidden: [String]
    public var first: Matrix     // [input.count, hidden.count]
    public var second: Matrix    // [hidden.count, output.count]

    public init(input: Space, output: Space, hidden: [String]) {
        self.input = input
        self.output = output
        self.hidden = hidden
        first = Matrix(rows: input.count, columns: hidden.count)
        second = Matrix(rows: hidden.count, columns: output.count)
    }

    public mutating func setFirst(_ d: Direction, _ h: Int, _ v: Double) {
        first[input.position(of: d)!, h] = Float(v)
    }

    public mutating func addSecond(_ h: Int, _ d: Direction, _ v: Double) {
        second[h, output.position(of: d)!] += Float(v)
    }

    /// The residual directions this block reads or writes.
    public var residual: Space { Space.join([input, output]) }
}

/// One attention head: logits = query·W_QK·key (over the spaces' directions), output =
/// softmax-weighted values mapped through W_OV.
public struct AttentionBlock: Sendable {
    public var query: Space
    public var key: Space
    public var value: Space
    public var output: Space
    public var qk: Matrix        // [query.count, key.count]
    public var ov: Matrix        // [value.count, output.count]

    public init(query: Space, key: Space, value: Space, output: Space) {
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        qk = Matrix(rows: query.count, columns: key.count)
        ov = Matrix(rows: value.count, columns: output.count)
    }

    public var residual: Space { Space.join([query, key, value, output]) }
}

/// Combines MLPs that run in the same layer: hidden units are concatenated, except units of
/// the same name, which are shared (their input weights must agree; outputs add up).
public func combineInParallel(_ blocks: [MLPBlock]) -> MLPBlock {
    let input = Space.join(blocks.map(\.input))
    let output = Space.join(blocks.map(\.output))
    var names: [String] = []
    var slot: [String: Int] = [:]
    var mapping: [[Int]] = []
    for b in blocks {
        var m: [Int] = []
        for n in b.hidden {
            if let s = slot[n], n.hasPrefix(sharedHiddenPrefix) { m.append(s); continue }
            slot[n] = names.count
            m.append(names.count)
            names.append(n)
        }
        mapping.append(m)
    }
    var out = MLPBlock(input: input, output: output, hidden: names)
    for (b, m) in zip(blocks, mapping) {
        let inRows = b.input.basis.map { input.position(of: $0)! }
        let outCols = b.output.basis.map { output.position(of: $0)! }
        for (i, r) in inRows.enumerated() {
            for h in 0..<b.hidden.count where b.first[i, h] != 0 { out.first[r, m[h]] = b.first[i, h] }
        }
        for h in 0..<b.hidden.count {
            for (j, c) in outCols.enumerated() where b.second[h, j] != 0 { out.second[m[h], c] += b.second[h, j] }
        }
    }
    return out
}

/// Hidden units whose names start with this are shared between parallel blocks.
public let sharedHiddenPrefix = "_shared_"
