// Matrix products. Every product of the engine goes through `gemm` (CBLAS sgemm, row-major);
// `gemmReference` is the naive triple loop kept beside it as its oracle in tests.
// C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, op = transpose when the flag is set.
import CBLAS
import Dispatch
import Synchronization

/// OpenBLAS calls are serialised, so concurrent callers (the parallel test runner) never race on
/// its thread pool or on a thread-count change; the engine itself calls it from one thread.
let blasLock = Mutex<Void>(())

/// Wall time and FLOPs spent inside `gemm` calls, for benchmarks: how fast the matmuls themselves
/// run, apart from everything around them. Off by default; when on, each call reads the clock twice.
public enum GemmMeter {
    public struct Reading: Sendable { public var calls = 0, seconds = 0.0, flops = 0.0 }
    // Written only while holding blasLock; read by the caller between calls.
    nonisolated(unsafe) static var on = false
    nonisolated(unsafe) static var total = Reading()
    /// Starts metering from zero.
    public static func start() { blasLock.withLock { _ in total = Reading(); on = true } }
    /// Stops metering and returns what was measured since `start`.
    public static func stop() -> Reading { blasLock.withLock { _ in on = false; return total } }
    /// The clock at the start of a product (0 while off); call while holding blasLock.
    static func begin() -> UInt64 { on ? DispatchTime.now().uptimeNanoseconds : 0 }
    /// Counts one M×N×K product begun at `t0`; call while holding blasLock.
    static func record(since t0: UInt64, m: Int, n: Int, k: Int) {
        guard on else { return }
        total.calls += 1
        total.seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        total.flops += 2 * Double(m) * Double(n) * Double(k)
    }
}

/// C[M,N] = alpha · op(A) · op(B) + beta · C, all row-major with leading dimensions lda, ldb, ldc.
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    blasLock.withLock { _ in
        let t0 = GemmMeter.begin()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        GemmMeter.record(since: t0, m: m, n: n, k: k)
    }
}

/// y[M] = alpha · op(A) · x + beta · y, A row-major [rows, cols] with leading dimension lda.
public func gemv(trans: Bool, rows: Int, cols: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                 x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
    blasLock.withLock { _ in
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), alpha,
                    a, Int32(lda), x, 1, beta, y, 1)
    }
}

/// The oracle for `gemm`: the same contract, naive loops, Double accumulation.
public func gemmReference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                          beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                s += Double(av) * Double(bv)
            }
            let old = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * Float(s) + old
        }
    }
}

/// The oracle for `gemv`.
public func gemvReference(trans: Bool, rows: Int, cols: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                          x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
    let outCount = trans ? cols : rows, inCount = trans ? rows : cols
    for i in 0..<outCount {
        var s = 0.0
        for p in 0..<inCount { s += Double(trans ? a[p * lda + i] : a[i * lda + p]) * Double(x[p]) }
        y[i] = alpha * Float(s) + (beta == 0 ? 0 : beta * y[i])
    }
}
