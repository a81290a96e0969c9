// MLPs over categorical (one-hot) variables (tracr's chamber/categorical_mlp.py):
// a lookup-table Map (hidden = output values), a categorical→numerical Map (one hidden unit),
// and a SequenceMap with one hidden unit per input pair, ReLU(x_i + y_j − 1).
import RASP

/// Categorical → categorical Map: hidden unit per output value; input value x feeds the unit
/// of f(x) (when f(x) is an output value), the second layer copies hidden to output.
public func mapCategoricalMLP(input: Space, output: Space, hiddenName: String,
                              f: (Value) throws -> Value?) rethrows -> MLPBlock {
    var block = MLPBlock(input: input, output: output, hidden: output.basis.map { "\(hiddenName)\($0)" })
    for d in input.basis {
        guard let x = d.value, let y = try f(x) else { continue }
        let target = Direction(output.basis.first?.name ?? "", y)
        guard let h = output.position(of: target) else { continue }
        block.setFirst(d, h, 1)
    }
    for (h, d) in output.basis.enumerated() { block.addSecond(h, d, 1) }
    return block
}

/// Categorical → numerical Map: one hidden unit carrying f(x) (negative values are cut by
/// the ReLU, as in tracr).
public func mapCategoricalToNumericalMLP(input: Space, output: Direction,
                                         f: (Value) throws -> Value?) throws -> MLPBlock {
    var block = MLPBlock(input: input, output: Space([output]), hidden: ["_hidden_\(output.name)_"])
    for d in input.basis {
        guard let x = d.value, let y = try f(x) else { continue }
        guard let n = y.number else { throw CraftError("numerical Map output \(y.repr) is not a number") }
        block.setFirst(d, 0, n)
    }
    block.addSecond(0, output, 1)
    return block
}

/// Categorical SequenceMap: hidden (x, y) = ReLU(x + y − one), output f(x, y).
public func sequenceMapCategoricalMLP(first: Space, second: Space, output: Space, one: Direction,
                                      hiddenName: String, f: (Value, Value) throws -> Value?) rethrows -> MLPBlock {
    let input = Space.join([first, second, Space([one])])
    var names: [String] = []
    names.reserveCapacity(first.count * second.count)
    for a in first.basis { for b in second.basis { names.append("\(hiddenName)(\(a),\(b))") } }
    var block = MLPBlock(input: input, output: output, hidden: names)
    let outName = output.basis.first?.name ?? ""
    for (i, a) in first.basis.enumerated() {
        for (j, b) in second.basis.enumerated() {
            let h = i * second.count + j
            block.setFirst(a, h, 1)
            block.setFirst(b, h, 1)
            block.setFirst(one, h, -1)
            guard let x = a.value, let y = b.value, let r = try f(x, y) else { continue }
            let target = Direction(outName, r)
            if output.contains(target) { block.addSecond(h, target, 1) }
        }
    }
    return block
}

public struct CraftError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
