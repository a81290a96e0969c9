// The control's least-squares fit: recovers a known affine map exactly (no ridge) and closely
// (small ridge), gives the same map whether rows come in one batch or several, solves a
// hand-checked 2×2 system, and refuses singular systems and bad input with a clear error.
import Testing
import Tensor

@Suite struct LeastSquaresTests {
    /// y = W·x + b for pseudo-random x.
    func data(n: Int, d: Int, c: Int) -> (x: [Float], y: [Float], w: [Float], b: [Float]) {
        let x = pseudoRandom(n * d, seed: 1, scale: 2).map { $0 + 3 }            // not centred
        let w = pseudoRandom(c * d, seed: 2, scale: 1), b = pseudoRandom(c, seed: 3, scale: 5)
        var y = [Float](repeating: 0, count: n * c)
        for r in 0..<n { for o in 0..<c {
            var s = b[o]
            for j in 0..<d { s += w[o * d + j] * x[r * d + j] }
            y[r * c + o] = s
        } }
        return (x, y, w, b)
    }

    @Test func recoversAKnownAffineMap() throws {
        let (x, y, w, b) = data(n: 300, d: 6, c: 4)
        let m = try fitAffineLeastSquares(x: x, y: y, rows: 300, inputWidth: 6, outputWidth: 4, ridge: 0)
        #expect(zip(m.weight, w).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(zip(m.bias, b).allSatisfy { abs($0 - $1) < 1e-2 })
        let applied = try m.apply(x, rows: 300)
        #expect(zip(applied, y).allSatisfy { abs($0 - $1) < 1e-2 })
        let ridged = try fitAffineLeastSquares(x: x, y: y, rows: 300, inputWidth: 6, outputWidth: 4, ridge: 1e-6)
        #expect(zip(ridged.weight, w).allSatisfy { abs($0 - $1) < 1e-2 })
    }

    @Test func batchesGiveTheSameFit() throws {
        let (x, y, _, _) = data(n: 120, d: 5, c: 3)
        var eq = NormalEquations(inputWidth: 5, outputWidth: 3)
        try eq.add(x: Array(x[0..<(50 * 5)]), y: Array(y[0..<(50 * 3)]), rows: 50)
        try eq.add(x: Array(x[(50 * 5)...]), y: Array(y[(50 * 3)...]), rows: 70)
        let a = try eq.solve(ridge: 1e-4)
        let b = try fitAffineLeastSquares(x: x, y: y, rows: 120, inputWidth: 5, outputWidth: 3, ridge: 1e-4)
        #expect(eq.rows == 120)
        #expect(zip(a.weight + a.bias, b.weight + b.bias).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    /// A batch added with weight 3 fits as if its rows were added three times; a bad weight is an error.
    @Test func weightedRowsCountAsRepeatedRows() throws {
        var (x, y, _, _) = data(n: 90, d: 5, c: 3)
        for i in 0..<y.count { y[i] += pseudoRandom(1, seed: UInt64(10 + i), scale: 0.5)[0] }   // no exact fit
        let head = Array(x[0..<(30 * 5)]), headY = Array(y[0..<(30 * 3)])
        let tail = Array(x[(30 * 5)...]), tailY = Array(y[(30 * 3)...])
        var weighted = NormalEquations(inputWidth: 5, outputWidth: 3), repeated = weighted
        try weighted.add(x: head, y: headY, rows: 30, weight: 3)
        try weighted.add(x: tail, y: tailY, rows: 60)
        for _ in 0..<3 { try repeated.add(x: head, y: headY, rows: 30) }
        try repeated.add(x: tail, y: tailY, rows: 60)
        #expect(weighted.totalWeight == 150 && weighted.rows == 90)
        let a = try weighted.solve(ridge: 1e-4), b = try repeated.solve(ridge: 1e-4)
        #expect(zip(a.weight + a.bias, b.weight + b.bias).allSatisfy { abs($0 - $1) < 1e-3 })
        let plain = try fitAffineLeastSquares(x: x, y: y, rows: 90, inputWidth: 5, outputWidth: 3, ridge: 1e-4)
        #expect(zip(a.weight + a.bias, plain.weight + plain.bias).contains { abs($0 - $1) > 1e-3 })
        #expect(throws: LeastSquaresError.self) { try weighted.add(x: head, y: headY, rows: 30, weight: 0) }
    }

    @Test func choleskySolvesAHandCheckedSystem() throws {
        // [4 2; 2 3] · X = [2 0; 1 4]  →  X = [0.5 -1; 0 2]
        let x = try solveSymmetricPositiveDefinite([4, 2, 2, 3], [2, 0, 1, 4], size: 2, columns: 2)
        #expect(zip(x, [0.5, -1, 0, 2]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func singularAndBadInputAreErrors() throws {
        // Two identical input columns: singular without ridge, fine with it.
        let base = pseudoRandom(40, seed: 9, scale: 1)
        let x = base.flatMap { [$0, $0] }, y = base.map { 2 * $0 }
        do { _ = try fitAffineLeastSquares(x: x, y: y, rows: 40, inputWidth: 2, outputWidth: 1, ridge: 0); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("raise --ridge"))
        }
        let m = try fitAffineLeastSquares(x: x, y: y, rows: 40, inputWidth: 2, outputWidth: 1, ridge: 1e-6)
        #expect(abs(m.weight[0] + m.weight[1] - 2) < 1e-3)
        #expect(throws: LeastSquaresError.self) { try fitAffineLeastSquares(x: [1, 2], y: [1], rows: 2, inputWidth: 2, outputWidth: 1, ridge: 0) }
        #expect(throws: LeastSquaresError.self) { try fitAffineLeastSquares(x: [1, 2], y: [1, 2], rows: 2, inputWidth: 1, outputWidth: 1, ridge: -1) }
        #expect(throws: LeastSquaresError.self) { try fitAffineLeastSquares(x: [1, .nan], y: [1, 2], rows: 2, inputWidth: 1, outputWidth: 1, ridge: 0) }
    }

    @Test func deterministic() throws {
        let (x, y, _, _) = data(n: 80, d: 4, c: 2)
        let a = try fitAffineLeastSquares(x: x, y: y, rows: 80, inputWidth: 4, outputWidth: 2, ridge: 1e-3)
        let b = try fitAffineLeastSquares(x: x, y: y, rows: 80, inputWidth: 4, outputWidth: 2, ridge: 1e-3)
        #expect(a.weight.map(\.bitPattern) == b.weight.map(\.bitPattern) && a.bias.map(\.bitPattern) == b.bias.map(\.bitPattern))
    }
}

/// Small deterministic pseudo-random floats in [-scale, scale] (xorshift).
private func pseudoRandom(_ n: Int, seed: UInt64, scale: Float) -> [Float] {
    var x = seed &* 0x9E3779B97F4A7C15 | 1
    return (0..<n).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return (Float(x >> 40) / Float(1 << 24) * 2 - 1) * scale }
}
