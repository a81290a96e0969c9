// gemm/gemv (OpenBLAS) against their naive oracles, in every transpose combination and with
// leading dimensions larger than the matrix widths.
import Testing
import Tensor

@Suite struct MatmulTests {
    func random(_ n: Int, seed: Int) -> [Float] { TestValues.random(n, seed: seed) }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func gemmMatchesReference(_ flags: (Bool, Bool)) {
        let (ta, tb) = flags
        let m = 7, n = 5, k = 9, pad = 3
        let lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad
        let a = random((ta ? k : m) * lda, seed: 1), b = random((tb ? n : k) * ldb, seed: 2)
        var c1 = random(m * ldc, seed: 3), c2 = c1
        gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &c1, ldc: ldc)
        gemmReference(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &c2, ldc: ldc)
        for i in 0..<(m * ldc) { #expect(abs(c1[i] - c2[i]) < 1e-5, "element \(i)") }
    }

    @Test(arguments: [false, true])
    func gemvMatchesReference(_ trans: Bool) {
        let rows = 6, cols = 11, lda = 13
        let a = random(rows * lda, seed: 4), x = random(trans ? rows : cols, seed: 5)
        var y1 = random(trans ? cols : rows, seed: 6), y2 = y1
        gemv(trans: trans, rows: rows, cols: cols, alpha: 1.5, a: a, lda: lda, x: x, beta: 0.5, y: &y1)
        gemvReference(trans: trans, rows: rows, cols: cols, alpha: 1.5, a: a, lda: lda, x: x, beta: 0.5, y: &y2)
        for i in 0..<y1.count { #expect(abs(y1[i] - y2[i]) < 1e-5) }
    }

    @Test func blasReportsItsCore() {
        #expect(!Threads.blasCoreName.isEmpty && Threads.blasCoreName != "unknown")
    }

    @Test func theMeterCountsCallsFlopsAndTime() {
        let a = random(2 * 4, seed: 7), b = random(4 * 3, seed: 8)
        var c = [Float](repeating: 0, count: 2 * 3)
        GemmMeter.start()
        gemm(transA: false, transB: false, m: 2, n: 3, k: 4, a: a, lda: 4, b: b, ldb: 3, c: &c, ldc: 3)
        gemm(transA: false, transB: false, m: 2, n: 3, k: 4, a: a, lda: 4, b: b, ldb: 3, c: &c, ldc: 3)
        let reading = GemmMeter.stop()
        // Tests run in parallel, so other suites' products may be metered too: at least these two.
        #expect(reading.calls >= 2)
        #expect(reading.flops >= 2 * 2 * 3 * 4 * 2)
        #expect(reading.seconds > 0)
        let after = GemmMeter.stop()
        gemm(transA: false, transB: false, m: 2, n: 3, k: 4, a: a, lda: 4, b: b, ldb: 3, c: &c, ldc: 3)
        #expect(GemmMeter.stop().calls == after.calls)   // stopped: nothing more is counted
    }
}
