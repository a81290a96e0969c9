// The noise experiment's projectors and noise: P is idempotent (P·P = P) for each subspace, the
// noise lies in the subspace and has exactly the requested L2 norm at every position, norm 0
// leaves the residual untouched, and a seed gives the same noise.
import Testing
import Injection
import Support
@testable import Evaluation

@Suite struct NoiseHookTests {
    let d = 24, r = 3

    func projector(_ s: NoiseSubspace) throws -> [Float] {
        let adapter = Adapter(lmWidth: d, compiledWidth: 10, seed: 7)
        let rows = subspaceRows(s, adapterRows: adapter.rows([2, 5, 9]), r: r, d: d, seed: 11)
        return try subspaceProjector(rows: rows, r: r, d: d, ridge: 1e-7)
    }

    func times(_ a: [Float], _ b: [Float]) -> [Float] {
        var c = [Float](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d { for j in 0..<d { c[i * d + j] += a[i * d + k] * b[k * d + j] } } }
        return c
    }

    @Test(arguments: NoiseSubspace.allCases)
    func projectorIsIdempotent(_ s: NoiseSubspace) throws {
        let p = try projector(s)
        let pp = times(p, p)
        #expect(zip(p, pp).allSatisfy { abs($0 - $1) < 1e-4 })
        let trace = (0..<d).reduce(Float(0)) { $0 + p[$1 * d + $1] }
        #expect(abs(trace - Float(r)) < 1e-3, "rank \(r)")
    }

    @Test(arguments: NoiseSubspace.allCases)
    func noiseHasTheRequestedNormAndLiesInTheSubspace(_ s: NoiseSubspace) throws {
        let p = try projector(s)
        for norm in [0.5, 5, 30] {
            let hook = ExactNormNoise(projector: p, d: d, norm: norm, seed: 3)
            let n = 7
            let noise = hook.draw(n: n)
            for row in 0..<n {
                let v = Array(noise[(row * d)..<((row + 1) * d)])
                let len = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(len - norm) < 1e-4 * norm)
                let projected = (0..<d).map { j in (0..<d).reduce(Float(0)) { $0 + v[$1] * p[$1 * d + j] } }
                #expect(zip(v, projected).allSatisfy { abs($0 - $1) < 1e-4 * Float(norm) })
            }
        }
    }

    @Test func forwardAddsTheNoiseAndZeroNormIsTheIdentity() throws {
        let p = try projector(.answer)
        let h = (0..<(2 * 3 * d)).map { Float($0 % 13) - 6 }
        var out = [Float](repeating: 0, count: h.count)
        ExactNormNoise(projector: p, d: d, norm: 0, seed: 1).forward(&out, h, b: 2, t: 3, d: d)
        #expect(out == h)
        let hook = ExactNormNoise(projector: p, d: d, norm: 10, seed: 1)
        hook.forward(&out, h, b: 2, t: 3, d: d)
        let expected = ExactNormNoise(projector: p, d: d, norm: 10, seed: 1).draw(n: 6)
        #expect(zip(zip(out, h), expected).allSatisfy { abs($0.0 - $0.1 - $1) < 1e-4 })
        // fresh draws on the next forward, the same draws for the same seed
        let again = hook.draw(n: 6)
        #expect(again != expected)
        #expect(ExactNormNoise(projector: p, d: d, norm: 10, seed: 1).draw(n: 6) == expected)
    }
}
