// bench-decode: timings of the decode stage's numeric parts at SmolLM2 × shuffle-Dyck sizes
// (D = 576, C = 684): accumulating the least-squares sums batch by batch, solving them, applying
// an adapter, and the argmax decoder. Prints figures; asserts nothing. Release build only.
import Decoding
import Foundation
import Support
import Tensor

requireBuildCPU(program: "bench-decode")
chooseOpenBLASCore(program: "bench-decode", current: Threads.blasCoreName)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t = monotonicSeconds()
    try body()
    return monotonicSeconds() - t
}

let d = 576, c = 684, batches = 200, rows = 240
var rng = SeededRNG(seed: 1)
let x = (0..<(rows * d)).map { _ in Float(rng.normal()) }
let y = (0..<(rows * c)).map { _ in Float(rng.normal()) }
var eq = NormalEquations(inputWidth: d, outputWidth: c)
let add = try seconds { for _ in 0..<batches { try eq.add(x: x, y: y, rows: rows) } }
print("least squares: \(batches) batches of \(rows) rows (\(d) → \(c)) accumulated in \(String(format: "%.2f", add)) s")
var map = AffineMap.identity(1)
let solve = try seconds { map = try eq.solve(ridge: 1e-3) }
print("least squares: solve (Cholesky, Double) \(String(format: "%.2f", solve)) s")
let applied = try seconds { for _ in 0..<batches { _ = try map.apply(x, rows: rows) } }
print("adapter: \(batches) × \(rows) rows applied in \(String(format: "%.3f", applied)) s")
let decoder = try ResidualDecoder(labels: (0..<c).map { "v\($0 / 12):\($0 % 12)" })
let yy = try map.apply(x, rows: rows)
let decoded = try seconds { for _ in 0..<batches { _ = try decoder.decode(yy, positions: rows) } }
print("decoder: \(batches) × \(rows) positions × \(decoder.variables.count) variables in \(String(format: "%.3f", decoded)) s")
