// Mixed-precision matrix products for the model's linear layers (issue 15): the inputs rounded to
// bf16 (round to nearest even), the products accumulated in fp32 and written in fp32, by oneDNN's
// matmul primitive (its brgemm kernels on CPUs with AVX512_BF16 or AMX-BF16). Master weights,
// gradients, AdamW state, softmaxes, norms and losses stay fp32; only `modelGemm`'s callers (the
// linear layers' forward and backward) are affected, every other product keeps fp32 `gemm`.
//
// `Precision.set` chooses once per process; `.auto` takes bf16 where /proc/cpuinfo lists
// avx512_bf16 or amx_bf16 and fp32 elsewhere. On a 2-core AMD EPYC Zen 4 (AVX512_BF16) oneDNN 2.6's
// bf16 matmul runs at 2.0× its fp32 rate and OpenBLAS's Cooperlake sgemm on the training shapes
// (docs/engine.md). Results are deterministic for a fixed thread count, like the fp32 path.
import CDNNL
import Foundation
import Support

/// The precision of the model's matrix products.
public enum MatmulPrecision: String, Sendable, CaseIterable, Codable {
    case fp32, bf16
}

/// What the user asked for: a precision, or the CPU's best.
public enum PrecisionRequest: String, Sendable, CaseIterable {
    case auto, fp32, bf16
}

public struct PrecisionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public enum Precision {
    nonisolated(unsafe) private static var chosen = MatmulPrecision.fp32
    nonisolated(unsafe) private static var why = "fp32 (not chosen yet)"

    /// A precision for the code run inside `scoped(_:_:)` in this task only (tests compare both
    /// precisions side by side while other tests run in parallel).
    @TaskLocal static var override: MatmulPrecision?

    /// The precision `modelGemm` uses now.
    public static var current: MatmulPrecision { override ?? chosen }

    /// Runs `body` with `modelGemm` in precision `p` for the current task (bf16 checked as `set` does).
    public static func scoped<T>(_ p: MatmulPrecision, _ body: () throws -> T) throws -> T {
        if p == .bf16 { try checkBF16() }
        return try $override.withValue(p, operation: body)
    }
    /// Whether oneDNN serves bf16 products in this process (one primitive built and cached on the
    /// first call); tests and benchmarks that compare both precisions ask this.
    public static var bf16Available: Bool { (try? checkBF16()) != nil }
    /// One line on what was chosen and why, for summaries and logs.
    public static var reason: String { why }

    /// The precision a request resolves to on a CPU described by `cpuinfo` (Support's rule, which
    /// the pipeline runner also applies to stage keys), and why.
    public static func resolve(_ request: PrecisionRequest, cpuinfo: String) -> (MatmulPrecision, String) {
        let has = cpuHasBF16Units(cpuinfo: cpuinfo)
        switch request {
        case .fp32: return (.fp32, "fp32 (asked for)")
        case .bf16: return (.bf16, has ? "bf16 (asked for; the CPU has bf16 units)" : "bf16 (asked for; the CPU lists no bf16 units, so oneDNN emulates them, slowly)")
        case .auto: return has ? (.bf16, "bf16 (auto: the CPU lists avx512_bf16 or amx_bf16)") : (.fp32, "fp32 (auto: the CPU lists neither avx512_bf16 nor amx_bf16)")
        }
    }

    /// Builds one bf16 matmul primitive: oneDNN serves bf16 here, or the clear error.
    private static func checkBF16() throws {
        try blasLock.withLock { _ in
            _ = try OneDNN.shared().matmul(MatmulKey(m: 16, n: 16, k: 16, transA: false, transB: false, ldc: 16, alpha: 1, beta: 0))
        }
    }

    /// Chooses the precision for this process. bf16 is checked by building one oneDNN matmul
    /// primitive, so a CPU oneDNN cannot serve fails here with a clear error rather than mid-run.
    public static func set(_ request: PrecisionRequest, cpuinfo: String = machineCPUInfo()) throws {
        let (p, r) = resolve(request, cpuinfo: cpuinfo)
        if p == .bf16 { try checkBF16() }
        chosen = p; why = r
    }
}

/// The model's matrix products: `gemm`'s contract, in the precision `Precision.current` names.
public func modelGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    switch Precision.current {
    case .fp32:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    case .bf16:
        gemmBF16(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// C[M,N] = alpha · op(A) · op(B) + beta · C with op(A), op(B) rounded to bf16 and the sums in fp32.
/// Same contract as `gemm` (row-major, leading dimensions lda, ldb, ldc).
public func gemmBF16(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {   // oneDNN rejects empty reductions; the product is zero
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    blasLock.withLock { _ in
        let t0 = GemmMeter.begin()
        let dnnl = try! OneDNN.shared()   // created by Precision.set, which checked it
        // A as stored: transA ? [K, M] : [M, K]; B as stored: transB ? [N, K] : [K, N]. Converted compactly.
        let (aRows, aCols) = transA ? (k, m) : (m, k)
        let (bRows, bCols) = transB ? (n, k) : (k, n)
        dnnl.a.reserve(aRows * aCols); dnnl.b.reserve(bRows * bCols)
        roundToBF16(a, rows: aRows, cols: aCols, ld: lda, into: dnnl.a.pointer)
        roundToBF16(b, rows: bRows, cols: bCols, ld: ldb, into: dnnl.b.pointer)
        let key = MatmulKey(m: m, n: n, k: k, transA: transA, transB: transB, ldc: ldc, alpha: alpha, beta: beta)
        let mm = try! dnnl.matmul(key)
        omp_set_num_threads(Int32(Threads.count))   // the calling thread's OpenMP team size
        dnnl.run(mm, a: dnnl.a.pointer, b: dnnl.b.pointer, c: c)
        GemmMeter.record(since: t0, m: m, n: n, k: k)
    }
}

/// The bf16 bit pattern nearest to each float (ties to even); NaNs stay NaN (quietened), infinities
/// stay infinite, values beyond bf16's range round to infinity as IEEE rounding does.
@inline(__always) public func bf16Bits(_ x: Float) -> UInt16 {
    let u = x.bitPattern
    if u & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(truncatingIfNeeded: (u | 0x0040_0000) >> 16) }
    return UInt16(truncatingIfNeeded: (u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
}

/// The float a bf16 bit pattern stands for.
@inline(__always) public func floatFromBF16(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }

@inline(__always) private func bf16Bits16(_ u: SIMD16<UInt32>) -> SIMD16<UInt16> {
    let nan = unsafeBitCast((u & 0x7FFF_FFFF) .> SIMD16<UInt32>(repeating: 0x7F80_0000), to: SIMD16<UInt32>.self)
    let bias = (0x7FFF &+ ((u &>> 16) & 1)) & ~nan      // NaNs: no rounding, quiet bit set
    return SIMD16<UInt16>(truncatingIfNeeded: ((u | (nan & 0x0040_0000)) &+ bias) &>> 16)
}

/// Rounds a row-major [rows, cols] matrix with leading dimension `ld` into a compact bf16 one.
/// Rows are split over `Threads.count` threads when there is enough work.
public func roundToBF16(_ src: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int, into dst: UnsafeMutablePointer<UInt16>) {
    parallelFor(rows, minPerThread: max(1, 32_768 / max(cols, 1))) { range in
        for r in range {
            let s = UnsafeRawPointer(src + r * ld), d = dst + r * cols
            var j = 0
            while j + 16 <= cols {
                let v = s.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<UInt32>.self)
                UnsafeMutableRawPointer(d + j).storeBytes(of: bf16Bits16(v), as: SIMD16<UInt16>.self)
                j += 16
            }
            while j < cols { d[j] = bf16Bits(src[r * ld + j]); j += 1 }
        }
    }
}

/// What one cached matmul primitive computes.
struct MatmulKey: Hashable {
    var m: Int, n: Int, k: Int, transA: Bool, transB: Bool, ldc: Int, alpha: Float, beta: Float
}

/// A grow-only buffer of bf16 values.
final class BF16Scratch {
    private(set) var pointer = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
    private var capacity = 1
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count); capacity = count
    }
}

/// oneDNN's engine, stream, primitive cache and scratch buffers; used only while holding blasLock.
final class OneDNN: @unchecked Sendable {
    struct Primitive { let primitive: dnnl_primitive_t; let a: dnnl_memory_t; let b: dnnl_memory_t; let c: dnnl_memory_t }
    nonisolated(unsafe) private static var instance: OneDNN?

    let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    var cache: [MatmulKey: Primitive] = [:]
    let a = BF16Scratch(), b = BF16Scratch()

    static func shared() throws -> OneDNN {
        if let i = instance { return i }
        let i = try OneDNN(); instance = i; return i
    }

    private init() throws {
        var e: dnnl_engine_t?
        try check(dnnl_engine_create(&e, dnnl_cpu, 0), "creating the CPU engine")
        var s: dnnl_stream_t?
        try check(dnnl_stream_create(&s, e, dnnl_stream_default_flags.rawValue), "creating a stream")
        engine = e!; stream = s!
    }

    func matmul(_ key: MatmulKey) throws -> Primitive {
        if let p = cache[key] { return p }
        var aDims: [Int64] = [Int64(key.m), Int64(key.k)], bDims: [Int64] = [Int64(key.k), Int64(key.n)]
        var cDims: [Int64] = [Int64(key.m), Int64(key.n)]
        var aStrides: [Int64] = key.transA ? [1, Int64(key.m)] : [Int64(key.k), 1]
        var bStrides: [Int64] = key.transB ? [1, Int64(key.k)] : [Int64(key.n), 1]
        var cStrides: [Int64] = [Int64(key.ldc), 1]
        var aMD = dnnl_memory_desc_t(), bMD = dnnl_memory_desc_t(), cMD = dnnl_memory_desc_t()
        try check(dnnl_memory_desc_init_by_strides(&aMD, 2, &aDims, dnnl_bf16, &aStrides), "describing A")
        try check(dnnl_memory_desc_init_by_strides(&bMD, 2, &bDims, dnnl_bf16, &bStrides), "describing B")
        try check(dnnl_memory_desc_init_by_strides(&cMD, 2, &cDims, dnnl_f32, &cStrides), "describing C")
        var desc = dnnl_matmul_desc_t()
        try check(dnnl_matmul_desc_init(&desc, &aMD, &bMD, nil, &cMD), "describing the matmul \(key)")
        var attr: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attr), "creating attributes")
        defer { dnnl_primitive_attr_destroy(attr) }
        if key.alpha != 1 {
            var scale = key.alpha
            try check(dnnl_primitive_attr_set_output_scales(attr, 1, 0, &scale), "setting alpha \(key.alpha)")
        }
        if key.beta != 0 {
            var ops: dnnl_post_ops_t?
            try check(dnnl_post_ops_create(&ops), "creating post-ops")
            defer { dnnl_post_ops_destroy(ops) }
            try check(dnnl_post_ops_append_sum(ops, key.beta), "adding beta \(key.beta)")
            try check(dnnl_primitive_attr_set_post_ops(attr, ops), "setting post-ops")
        }
        var pd: dnnl_primitive_desc_t?
        try check(dnnl_primitive_desc_create(&pd, &desc, attr, engine, nil), "choosing a bf16 matmul for \(key) (does oneDNN support bf16 on this CPU?)")
        defer { dnnl_primitive_desc_destroy(pd) }
        var prim: dnnl_primitive_t?
        try check(dnnl_primitive_create(&prim, pd), "creating the matmul")
        var am: dnnl_memory_t?, bm: dnnl_memory_t?, cm: dnnl_memory_t?
        try check(dnnl_memory_create(&am, &aMD, engine, nil), "A's memory")
        try check(dnnl_memory_create(&bm, &bMD, engine, nil), "B's memory")
        try check(dnnl_memory_create(&cm, &cMD, engine, nil), "C's memory")
        let p = Primitive(primitive: prim!, a: am!, b: bm!, c: cm!)
        cache[key] = p
        return p
    }

    /// The implementation oneDNN chose for a product (e.g. "brg:avx512_core_bf16"), for benchmarks.
    func implementation(_ key: MatmulKey) throws -> String {
        let p = try matmul(key)
        var pd: const_dnnl_primitive_desc_t?
        try check(dnnl_primitive_get_primitive_desc(p.primitive, &pd), "querying the matmul")
        var s: UnsafePointer<CChar>?
        try check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &s), "querying the implementation")
        return s.map { String(cString: $0) } ?? "unknown"
    }

    func run(_ p: Primitive, a: UnsafeMutablePointer<UInt16>, b: UnsafeMutablePointer<UInt16>, c: UnsafeMutablePointer<Float>) {
        dnnl_memory_set_data_handle(p.a, a)
        dnnl_memory_set_data_handle(p.b, b)
        dnnl_memory_set_data_handle(p.c, c)
        var args = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: p.a), dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: p.b),
                    dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: p.c)]
        let status = dnnl_primitive_execute(p.primitive, stream, 3, &args)
        precondition(status == dnnl_success, "oneDNN matmul failed with status \(status.rawValue)")
        dnnl_stream_wait(stream)
    }
}

/// The implementation oneDNN uses for a bf16 product of this shape (benchmarks print it).
public func bf16MatmulImplementation(m: Int, n: Int, k: Int, transA: Bool, transB: Bool) throws -> String {
    try blasLock.withLock { _ in
        try OneDNN.shared().implementation(MatmulKey(m: m, n: n, k: k, transA: transA, transB: transB, ldc: n, alpha: 1, beta: 0))
    }
}

private func check(_ status: dnnl_status_t, _ what: String) throws {
    guard status == dnnl_success else {
        throw PrecisionError("oneDNN: \(what) failed (status \(status.rawValue)); run with --precision fp32 to use OpenBLAS only")
    }
}
