// MLPs over numerical (one-dimensional) variables (tracr's chamber/numerical_mlp.py):
// a discretising MLP that splits the input range at midpoints between its known values and
// outputs f of the region's value (numerically or one-hot), and a linear SequenceMap a·x + b·y.
import RASP

/// The discretisation: sorted input values where f is defined, their outputs and thresholds.
struct Discretisation {
    var inputs: [Double] = []
    var outputs: [Value] = []
    var thresholds: [Double] { (0..<max(0, inputs.count - 1)).map { (inputs[$0] + inputs[$0 + 1]) / 2 } }
}

func discretise(_ values: [Double], _ f: (Double) throws -> Value?) rethrows -> Discretisation {
    var d = Discretisation()
    for x in Set(values).sorted() {
        guard let y = try f(x) else { continue }
        d.inputs.append(x)
        d.outputs.append(y)
    }
    return d
}

/// First layer shared by both discretising MLPs: unit "start" = one, and per threshold t_k
/// the pair ReLU(L(x − t_k) + 1), ReLU(L(x − t_k)).
private func discretisingBlock(input: Direction, one: Direction, output: Space, hiddenName: String,
                               d: Discretisation, large: Double) -> MLPBlock {
    var names = ["\(hiddenName)start"]
    for k in 1..<max(1, d.inputs.count) { names += ["\(hiddenName)(\(k),0)", "\(hiddenName)(\(k),1)"] }
    var block = MLPBlock(input: Space([input, one]), output: output, hidden: names)
    block.setFirst(one, 0, 1)
    for (k, t) in d.thresholds.enumerated() {
        block.setFirst(one, 1 + 2 * k, 1 - large * t)
        block.setFirst(one, 2 + 2 * k, -large * t)
        block.setFirst(input, 1 + 2 * k, large)
        block.setFirst(input, 2 + 2 * k, large)
    }
    return block
}

/// Numerical → numerical Map f, exact on `inputValues` up to 1/large around thresholds.
public func mapNumericalMLP(input: Direction, output: Direction, one: Direction, inputValues: [Double],
                            hiddenName: String, large: Double, f: (Double) throws -> Value?) throws -> MLPBlock {
    let d = try discretise(inputValues, f)
    guard !d.inputs.isEmpty else { throw CraftError("numerical Map is undefined on every input value") }
    var nums: [Double] = []
    for y in d.outputs {
        guard let n = y.number else { throw CraftError("numerical Map output \(y.repr) is not a number") }
        nums.append(n)
    }
    var block = discretisingBlock(input: input, one: one, output: Space([output]), hiddenName: hiddenName, d: d, large: large)
    block.addSecond(0, output, nums[0])
    for k in 1..<max(1, nums.count) {
        block.addSecond(2 * k - 1, output, nums[k] - nums[k - 1])
        block.addSecond(2 * k, output, -(nums[k] - nums[k - 1]))
    }
    return block
}

/// Numerical → categorical Map f: the region's output value one-hot.
public func mapNumericalToCategoricalMLP(input: Direction, output: Space, one: Direction, inputValues: [Double],
                                         hiddenName: String, large: Double, f: (Double) throws -> Value?) throws -> MLPBlock {
    let d = try discretise(inputValues, f)
    guard !d.inputs.isEmpty else { throw CraftError("numerical Map is undefined on every input value") }
    let name = output.basis.first?.name ?? ""
    for y in d.outputs where !output.contains(Direction(name, y)) {
        throw CraftError("numerical-to-categorical Map output \(y.repr) is not among the output values")
    }
    var block = discretisingBlock(input: input, one: one, output: output, hiddenName: hiddenName, d: d, large: large)
    block.addSecond(0, Direction(name, d.outputs[0]), 1)
    for k in 1..<max(1, d.outputs.count) {
        let now = Direction(name, d.outputs[k]), before = Direction(name, d.outputs[k - 1])
        block.addSecond(2 * k - 1, now, 1)
        block.addSecond(2 * k - 1, before, -1)
        block.addSecond(2 * k, now, -1)
        block.addSecond(2 * k, before, 1)
    }
    return block
}

/// Numerical a·x + b·y with four hidden units ReLU(±x), ReLU(±y).
public func linearSequenceMapMLP(first: Direction, second: Direction, output: Direction,
                                 a: Double, b: Double, hiddenName: String) -> MLPBlock {
    var block = MLPBlock(input: Space([first, second]), output: Space([output]),
                         hidden: ["\(hiddenName)x+", "\(hiddenName)x-", "\(hiddenName)y+", "\(hiddenName)y-"])
    block.first[block.input.position(of: first)!, 0] += 1
    block.first[block.input.position(of: first)!, 1] -= 1
    block.first[block.input.position(of: second)!, 2] += 1
    block.first[block.input.position(of: second)!, 3] -= 1
    block.addSecond(0, output, a)
    block.addSecond(1, output, -a)
    block.addSecond(2, output, b)
    block.addSecond(3, output, -b)
    return block
}
