// Projectors: idempotent, symmetric, identity on the spanned rows, zero on their complement;
// orthonormal random rows are orthonormal; dependent rows are a clear error.
import Testing
@testable import Injection

@Suite struct SubspaceTests {
    func matmul(_ a: [Float], _ b: [Float], _ d: Int) -> [Float] {
        var c = [Float](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d where a[i * d + k] != 0 { for j in 0..<d { c[i * d + j] += a[i * d + k] * b[k * d + j] } } }
        return c
    }

    @Test func projectorIsIdempotentSymmetricAndSpansTheRows() throws {
        let d = 12, r = 3
        let rows = uniformRandomRows(r: r, d: d, seed: 9)
        for ridge in [0.0, 1e-7] {
            let p = try subspaceProjector(rows: rows, r: r, d: d, ridge: ridge)
            let pp = matmul(p, p, d)
            for i in 0..<(d * d) { #expect(abs(pp[i] - p[i]) < 1e-4) }
            for i in 0..<d { for j in 0..<d { #expect(abs(p[i * d + j] - p[j * d + i]) < 1e-5) } }
            for a in 0..<r {   // a row projects onto itself
                for j in 0..<d {
                    let y = (0..<d).reduce(Float(0)) { $0 + rows[a * d + $1] * p[$1 * d + j] }
                    #expect(abs(y - rows[a * d + j]) < 1e-4)
                }
            }
            var trace: Float = 0
            for i in 0..<d { trace += p[i * d + i] }
            #expect(abs(trace - Float(r)) < 1e-4)
        }
    }

    @Test func orthonormalRows() {
        let d = 20, r = 5
        let q = orthonormalRandomRows(r: r, d: d, seed: 3)
        for a in 0..<r { for b in 0..<r {
            let dot = (0..<d).reduce(Float(0)) { $0 + q[a * d + $1] * q[b * d + $1] }
            #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5)
        } }
        #expect(orthonormalRandomRows(r: r, d: d, seed: 3) == q)
        #expect(orthonormalRandomRows(r: r, d: d, seed: 4) != q)
    }

    @Test func dependentRowsAreAnError() {
        let rows: [Float] = [1, 2, 3, 2, 4, 6]
        #expect(throws: InjectionError.self) { _ = try subspaceProjector(rows: rows, r: 2, d: 3) }
    }
}
