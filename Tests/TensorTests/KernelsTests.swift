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

    @Test func laneSelectMaxMin() {
        let a = SIMD16<Float>((0..<16).map { Float($0) - 8.5 }), b = SIMD16<Float>(repeating: 0.25)
        let mx = max16(a, b), mn = min16(a, b), sel = select16(a .< b, a * 2, b)
        for i in 0..<16 {
            #expect(mx[i] == Swift.max(a[i], b[i]))
            #expect(mn[i] == Swift.min(a[i], b[i]))
            #expect(sel[i] == (a[i] < b[i] ? 2 * a[i] : b[i]))
        }
    }

    @Test func exp16OverTheWholeRangeAndBeyond() {
        let inRange: [Float] = [-87.3, -60.5, -10, -1, -0.3465736, 0, 0.3465736, 1, 10, 44.4, 80, 88.3,
                                -0.5 * 0.6931472, 0.5 * 0.6931472, 3 * 0.6931472, 1e-7, -1e-7]
        var lanes = SIMD16<Float>(repeating: 0)
        for chunk in stride(from: 0, to: inRange.count, by: 16) {
            let part = Array(inRange[chunk..<min(chunk + 16, inRange.count)])
            for i in 0..<16 { lanes[i] = i < part.count ? part[i] : 0 }
            let e = exp16(lanes)
            for (i, v) in part.enumerated() {
                let ref = Foundation.exp(Double(v))
                #expect(abs(Double(e[i]) - ref) <= 3e-7 * ref, "exp16(\(v)) = \(e[i]), expected \(ref)")
            }
        }
        // Outside [−87.3, 88.3] the input is clamped: finite, positive, and equal to the edge values.
        var out = SIMD16<Float>(repeating: 0)
        let beyond: [Float] = [-.infinity, -1e30, -200, -87.31, 88.31, 100, 1e30, .infinity]
        for (i, v) in beyond.enumerated() { out[i] = v }
        let e = exp16(out), low = exp16(SIMD16(repeating: -87.3))[0], high = exp16(SIMD16(repeating: 88.3))[0]
        for i in 0..<beyond.count {
            #expect(e[i] == (beyond[i] < 0 ? low : high), "exp16(\(beyond[i])) = \(e[i])")
            #expect(e[i].isFinite && e[i] > 0)
        }
    }
}
