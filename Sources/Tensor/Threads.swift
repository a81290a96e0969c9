// Thread-count control for OpenBLAS and for graft's own parallel loops. Work is split into a
// fixed partition that depends only on the problem size and the thread count, and reductions
// never combine partial results across threads, so results are identical for a fixed count.
import CBLAS
import CDNNL
import Dispatch

public enum Threads {
    nonisolated(unsafe) private static var current = 1

    /// Sets the thread count for OpenBLAS, oneDNN (this thread's OpenMP team; `gemmBF16` sets it
    /// again on the thread that calls it) and `parallelFor`.
    public static func set(_ n: Int) {
        precondition(n >= 1, "Threads.set: thread count must be ≥ 1, got \(n)")
        current = n
        blasLock.withLock { _ in openblas_set_num_threads(Int32(n)); omp_set_num_threads(Int32(n)) }
    }

    public static var count: Int { current }

    /// The OpenBLAS kernel family in use (e.g. "Haswell", "SkylakeX").
    public static var blasCoreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    public static var blasConfig: String {
        guard let c = openblas_get_config() else { return "unknown" }
        return String(cString: c)
    }
}

/// Runs `body(range)` over `0..<n` split into `Threads.count` contiguous chunks (fewer when
/// `n` is small or `minPerThread` says the work is too small to share). Chunk boundaries depend
/// only on n, the thread count and minPerThread.
public func parallelFor(_ n: Int, minPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    if n <= 0 { return }
    let parts = max(1, min(Threads.count, n / max(minPerThread, 1)))
    if parts == 1 { body(0..<n); return }
    withoutActuallyEscaping(body) { escaping in
        nonisolated(unsafe) let body = escaping   // chunks touch disjoint memory by contract
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            body((n * p / parts)..<(n * (p + 1) / parts))
        }
    }
}

/// Like `parallelFor`, also passing the chunk index (0..<chunks) so callers can give each
/// chunk its own scratch space; `chunkCount(n, minPerThread:)` says how many chunks there will be.
public func parallelChunks(_ n: Int, minPerThread: Int = 1, _ body: (Int, Range<Int>) -> Void) {
    if n <= 0 { return }
    let parts = chunkCount(n, minPerThread: minPerThread)
    if parts == 1 { body(0, 0..<n); return }
    withoutActuallyEscaping(body) { escaping in
        nonisolated(unsafe) let body = escaping   // chunks touch disjoint memory by contract
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            body(p, (n * p / parts)..<(n * (p + 1) / parts))
        }
    }
}

public func chunkCount(_ n: Int, minPerThread: Int = 1) -> Int {
    max(1, min(Threads.count, n / max(minPerThread, 1)))
}
