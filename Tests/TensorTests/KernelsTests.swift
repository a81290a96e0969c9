// The SIMD element-wise kernels against plain scalar loops, on lengths that exercise the
// 16-lane body and the tail, and the vectorised exp against Foundation's.
import Foundation
import Testing
import Tensor

@Suite struct KernelsTests {
    let n = 37
    var x: [Float] { (0..<n).map { Float($0) * 0.37 - 5 } }
    var y: [Float] { (0..<n).map { Float($0 * $0 % 11) - 4.5 } }

    @Test func addAxpyScale() {
        var a = y
        addInPlace(&a, x, n)
        for i in 0..<n { #expect(a[i] == y[i] + x[i]) }
        var b = y
        axpy(0.25, x, &b, n)
        for i in 0..<n { #expect(abs(b[i] - (y[i] + 0.25 * x[i])) < 1e-6) }
        var c = x
        scale(&c, -2, n)
        for i in 0..<n { #expect(c[i] == -2 * x[i]) }
        var out = [Float](repeating: 0, count: n)
        add(x, y, into: &out, n)
        for i in 0..<n { #expect(out[i] == x[i] + y[i]) }
    }

    @Test func reductions() {
        let d = dot(x, y, n), s = sum(x, n), m = maximum(y, n)
        let dr = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(Double(d) - dr) < 1e-3)
        #expect(abs(Double(s) - x.reduce(0.0) { $0 + Double($1) }) < 1e-3)
        #expect(m == y.max()!)
        #expect(maximum(Array(y[0..<5]), 5) == y[0..<5].max()!)
    }

    @Test func argmaxTakesTheFirstLargest() {
        #expect(argmax(y, n) == y.firstIndex(of: y.max()!)!)
        #expect(argmax([3, 7, 7, 1] as [Float], 4) == 1)           // ties: the lowest index
        #expect(argmax([5] as [Float], 1) == 0)
        #expect(argmax([1, .nan, 2, .nan] as [Float], 4) == 2)      // a NaN after x[0] never wins
        #expect(argmax([-.infinity, -3, -1] as [Float], 3) == 2)
    }

    @Test func vectorisedExpIsAccurate() {
        let xs: [Float] = (0..<400).map { Float($0) * 0.25 - 90 }   // −90 … 9.75, includes underflow
        var out = [Float](repeating: 0, count: xs.count)
        let total = expShifted(xs, shift: 0, into: &out, xs.count)
        var ref = 0.0
        for (i, v) in xs.enumerated() {
            let e = Foundation.exp(Double(v))
            ref += e
            #expect(abs(Double(out[i]) - e) <= 1e-6 * e + 1e-37, "exp(\(v))")
        }
        #expect(abs(Double(total) - ref) / ref < 1e-5)
    }
}
