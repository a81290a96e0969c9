// DetachAndRoll against its definition (forward values; backward = dout·Pᵀ, no gradient through
// the rolled complement, checked by finite differences with the complement frozen) and AddNoise.
import Testing
import Engine
import LM
import Tensor

@Suite struct ResidualHooksTests {
    let b = 3, t = 2, d = 4

    func projector() -> [Float] {   // orthogonal projector onto span(e0 + e1, e2)
        var p = [Float](repeating: 0, count: 16)
        p[0] = 0.5; p[1] = 0.5; p[4] = 0.5; p[5] = 0.5; p[10] = 1
        return p
    }

    @Test func detachAndRollForward() {
        let h = Tiny.randomArray(b * t * d, seed: 1), p = projector()
        let hook = DetachAndRoll(projector: p, d: d)
        var out = [Float](repeating: 0, count: h.count)
        hook.forward(&out, h, b: b, t: t, d: d)
        for row in 0..<b {
            let src = (row + b - 1) % b
            for pos in 0..<t {
                let n = row * t + pos, m = src * t + pos
                func hp(_ r: Int, _ j: Int) -> Float { (0..<d).reduce(0) { $0 + h[r * d + $1] * p[$1 * d + j] } }
                for j in 0..<d {
                    let expected = hp(n, j) + (h[m * d + j] - hp(m, j))
                    #expect(abs(out[n * d + j] - expected) < 1e-6)
                }
            }
        }
        // the projected part stays with its own example: P·out == P·h
        var pOut = [Float](repeating: 0, count: h.count), pH = pOut
        gemm(transA: false, transB: false, m: b * t, n: d, k: d, a: out, lda: d, b: p, ldb: d, c: &pOut, ldc: d)
        gemm(transA: false, transB: false, m: b * t, n: d, k: d, a: h, lda: d, b: p, ldb: d, c: &pH, ldc: d)
        for i in 0..<h.count { #expect(abs(pOut[i] - pH[i]) < 1e-6) }
    }

    @Test func detachAndRollBackwardIsProjectionOnly() {
        let h = Tiny.randomArray(b * t * d, seed: 2), p = projector(), r = Tiny.randomArray(b * t * d, seed: 3)
        let hook = DetachAndRoll(projector: p, d: d)
        var dh = [Float](repeating: 0, count: h.count)
        hook.backward(&dh, r, h, b: b, t: t, d: d)
        // FD of Σ r·(h·P + C) with C frozen
        for i in 0..<h.count {
            var hp = h, hm = h
            hp[i] += 0.01; hm[i] -= 0.01
            func f(_ x: [Float]) -> Double {
                var y = [Float](repeating: 0, count: x.count)
                gemm(transA: false, transB: false, m: b * t, n: d, k: d, a: x, lda: d, b: p, ldb: d, c: &y, ldc: d)
                return zip(y, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            #expect(abs((f(hp) - f(hm)) / 0.02 - Double(dh[i])) < 1e-3)
        }
    }

    /// At strength λ the hook is h·P + (1 − λ)(h − h·P) + λ·roll(h − h·P); its backward is the
    /// derivative of the parts that keep the gradient, λ·h·P + (1 − λ)·h (finite differences).
    @Test func rampedDetachAndRoll() {
        let h = Tiny.randomArray(b * t * d, seed: 5), p = projector(), r = Tiny.randomArray(b * t * d, seed: 6)
        let lambda: Float = 0.25
        let hook = DetachAndRoll(projector: p, d: d, strength: lambda), full = DetachAndRoll(projector: p, d: d)
        var out = [Float](repeating: 0, count: h.count), rolled = out
        hook.forward(&out, h, b: b, t: t, d: d)
        full.forward(&rolled, h, b: b, t: t, d: d)
        // a blend of the untouched residual and the fully rolled one
        for i in 0..<h.count { #expect(abs(out[i] - ((1 - lambda) * h[i] + lambda * rolled[i])) < 1e-6) }
        var dh = [Float](repeating: 0, count: h.count)
        hook.backward(&dh, r, h, b: b, t: t, d: d)
        func f(_ x: [Float]) -> Double {
            var y = [Float](repeating: 0, count: x.count)
            gemm(transA: false, transB: false, m: b * t, n: d, k: d, a: x, lda: d, b: p, ldb: d, c: &y, ldc: d)
            return (0..<x.count).reduce(0.0) { $0 + Double(r[$1]) * Double(lambda * y[$1] + (1 - lambda) * x[$1]) }
        }
        for i in 0..<h.count {
            var hp = h, hm = h
            hp[i] += 0.01; hm[i] -= 0.01
            #expect(abs((f(hp) - f(hm)) / 0.02 - Double(dh[i])) < 1e-3)
        }
    }

    /// `source: .mean`: every row keeps its own projected part and receives the mean complement of
    /// the *other* rows at the position (none of its own: with two rows, exactly the other row's; with
    /// one, nothing); the backward is the roll's (the complement is detached either way).
    @Test func meanComplement() {
        let h = Tiny.randomArray(b * t * d, seed: 7), p = projector(), r = Tiny.randomArray(b * t * d, seed: 8)
        let hook = DetachAndRoll(projector: p, d: d, source: .mean)
        var out = [Float](repeating: 0, count: h.count)
        hook.forward(&out, h, b: b, t: t, d: d)
        func hp(_ n: Int, _ j: Int) -> Float { (0..<d).reduce(0) { $0 + h[n * d + $1] * p[$1 * d + j] } }
        for row in 0..<b {
            for pos in 0..<t {
                let n = row * t + pos
                for j in 0..<d {
                    let mean = (0..<b).filter { $0 != row }.reduce(Float(0)) { $0 + h[($1 * t + pos) * d + j] - hp($1 * t + pos, j) } / Float(b - 1)
                    #expect(abs(out[n * d + j] - (hp(n, j) + mean)) < 1e-6)
                }
            }
        }
        // Two rows: each gets exactly the other's complement (the roll's, for b = 2); one row: none.
        let two = Array(h[0..<(2 * t * d)])
        var outMean = [Float](repeating: 0, count: two.count), outRoll = outMean
        hook.forward(&outMean, two, b: 2, t: t, d: d)
        DetachAndRoll(projector: p, d: d).forward(&outRoll, two, b: 2, t: t, d: d)
        for i in two.indices { #expect(abs(outMean[i] - outRoll[i]) < 1e-5) }
        let one = Array(h[0..<(t * d)])
        var outOne = [Float](repeating: 0, count: one.count)
        hook.forward(&outOne, one, b: 1, t: t, d: d)
        for n in 0..<t { for j in 0..<d { #expect(abs(outOne[n * d + j] - hp(n, j)) < 1e-5) } }
        var dMean = [Float](repeating: 0, count: h.count), dRoll = dMean
        hook.backward(&dMean, r, h, b: b, t: t, d: d)
        DetachAndRoll(projector: p, d: d).backward(&dRoll, r, h, b: b, t: t, d: d)
        #expect(dMean == dRoll)
    }

    @Test func noiseIsSeededAndBackwardIsIdentity() {
        let h = Tiny.randomArray(b * t * d, seed: 4)
        var o1 = h, o2 = h
        AddNoise(scale: 0.5, seed: 9).forward(&o1, h, b: b, t: t, d: d)
        AddNoise(scale: 0.5, seed: 9).forward(&o2, h, b: b, t: t, d: d)
        #expect(o1 == o2 && o1 != h)
        var onlyInSubspace = h
        AddNoise(scale: 1, projector: projector(), seed: 9).forward(&onlyInSubspace, h, b: b, t: t, d: d)
        for n in 0..<(b * t) { #expect(onlyInSubspace[n * d + 3] == h[n * d + 3]) }   // e3 ⟂ subspace
        var dh = [Float](repeating: 0, count: h.count)
        AddNoise(scale: 1, seed: 1).backward(&dh, h, h, b: b, t: t, d: d)
        #expect(dh == h)
    }
}
