// The losses: values against direct formulas, gradients against finite differences, masked
// positions ignored, KL summed over positions and divided by the batch.
import Foundation
import Testing
import Engine
import Tensor

@Suite struct LossTests {
    func logSoftmax(_ x: ArraySlice<Float>) -> [Double] {
        let m = Double(x.max()!)
        let z = x.reduce(0.0) { $0 + exp(Double($1) - m) }
        return x.map { Double($0) - m - log(z) }
    }

    @Test func crossEntropyOverSelectedPositions() {
        let n = 4, v = 37
        var g = Rand(10)
        let logits = g.array(n * v, scale: 3)
        let targets: [Int32] = [3, -1, 36, 0]
        var d = [Float](repeating: 9, count: n * v)
        let (loss, selected) = crossEntropyForwardBackward(logits: logits, targets: targets, dlogits: &d, n: n, v: v)
        #expect(selected == 3)
        var ref = 0.0
        for r in 0..<n where targets[r] >= 0 { ref -= logSoftmax(logits[(r * v)..<((r + 1) * v)])[Int(targets[r])] }
        #expect(abs(Double(loss) - ref / 3) < 1e-5)
        #expect(d[v..<(2 * v)].allSatisfy { $0 == 0 })
        checkGradient("cross-entropy", logits, analytic: d, step: 1e-2) { x in
            Double(crossEntropyForwardBackward(logits: x, targets: targets, dlogits: nil, n: n, v: v).loss)
        }
        var none = [Float](repeating: 1, count: n * v)
        let empty = crossEntropyForwardBackward(logits: logits, targets: [-1, -1, -1, -1], dlogits: &none, n: n, v: v)
        #expect(empty.loss == 0 && empty.selected == 0 && none.allSatisfy { $0 == 0 })
    }

    @Test func klTeacherStudentSumOverPositionsPerBatch() {
        let n = 6, v = 21, batch = 2
        var g = Rand(11)
        let t = g.array(n * v, scale: 2), s = g.array(n * v, scale: 2)
        let scratch = LossScratch(vocab: v)
        var d = [Float](repeating: 0, count: n * v)
        let loss = klDivergenceForwardBackward(teacher: t, student: s, dstudent: &d, n: n, v: v, batch: batch, scratch: scratch)
        var ref = 0.0
        for r in 0..<n {
            let lt = logSoftmax(t[(r * v)..<((r + 1) * v)]), ls = logSoftmax(s[(r * v)..<((r + 1) * v)])
            for j in 0..<v { ref += exp(lt[j]) * (lt[j] - ls[j]) }
        }
        #expect(abs(Double(loss) - ref / Double(batch)) < 1e-5)
        checkGradient("kl", s, analytic: d) { x in
            Double(klDivergenceForwardBackward(teacher: t, student: x, dstudent: nil, n: n, v: v, batch: batch, scratch: scratch))
        }
        let zero = klDivergenceForwardBackward(teacher: t, student: t, dstudent: nil, n: n, v: v, batch: batch, scratch: scratch)
        #expect(abs(zero) < 1e-5)
    }

    @Test func cosineLossMeanOverPositions() {
        let n = 5, c = 7
        var g = Rand(12)
        let a = g.array(n * c), target = g.array(n * c)
        var d = [Float](repeating: 0, count: n * c)
        let loss = cosineLossForwardBackward(a: a, c: target, da: &d, n: n, features: c)
        var ref = 0.0
        for r in 0..<n {
            let x = a[(r * c)..<((r + 1) * c)], y = target[(r * c)..<((r + 1) * c)]
            let dotv = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let nx = x.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot(), ny = y.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
            ref += 1 - dotv / (nx * ny)
        }
        #expect(abs(Double(loss) - ref / Double(n)) < 1e-5)
        checkGradient("cosine", a, analytic: d, step: 1e-3) { x in
            Double(cosineLossForwardBackward(a: x, c: target, da: nil, n: n, features: c))
        }
    }
}
