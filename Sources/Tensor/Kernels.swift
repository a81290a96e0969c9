// Vectorised element-wise kernels over raw Float32 pointers (SIMD16 main loop, scalar tail),
// and a vectorised exp used by softmax. Legend: n = element count.
import Foundation

/// 16 floats from p (no alignment needed).
@inlinable @inline(__always) public func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}
/// Stores 16 floats at p (no alignment needed).
@inlinable @inline(__always) public func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// m ? a : b per lane, as bitwise operations on the lanes' bit patterns. The standard library's
/// `pointwiseMin`/`pointwiseMax`/`replacing(with:where:)` are lane-by-lane loops that LLVM leaves
/// unvectorised; this keeps the value in vector registers.
@inlinable @inline(__always) public func select16(_ m: SIMDMask<SIMD16<Int32>>, _ a: SIMD16<Float>,
                                                  _ b: SIMD16<Float>) -> SIMD16<Float> {
    let mi = unsafeBitCast(m, to: SIMD16<Int32>.self)
    let ai = unsafeBitCast(a, to: SIMD16<Int32>.self), bi = unsafeBitCast(b, to: SIMD16<Int32>.self)
    return unsafeBitCast((ai & mi) | (bi & (mi ^ SIMD16(repeating: -1))), to: SIMD16<Float>.self)
}
/// Lane-wise max (b where a < b, else a).
@inlinable @inline(__always) public func max16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    select16(a .< b, b, a)
}
/// Lane-wise min (b where b < a, else a).
@inlinable @inline(__always) public func min16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    select16(b .< a, b, a)
}

/// y[n] += x[n]
public func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    var i = 0
    while i + 16 <= n { store16(load16(y + i) + load16(x + i), y + i); i += 16 }
    while i < n { y[i] += x[i]; i += 1 }
}

/// y[n] += a · x[n]
@inlinable public func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let av = SIMD16<Float>(repeating: a)
    while i + 16 <= n { store16(load16(y + i) + av * load16(x + i), y + i); i += 16 }
    while i < n { y[i] += a * x[i]; i += 1 }
}

/// out[n] = a[n] + b[n]
public func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i + 16 <= n { store16(load16(a + i) + load16(b + i), out + i); i += 16 }
    while i < n { out[i] = a[i] + b[i]; i += 1 }
}

/// x[n] *= s
public func scale(_ x: UnsafeMutablePointer<Float>, _ s: Float, _ n: Int) {
    var i = 0
    let sv = SIMD16<Float>(repeating: s)
    while i + 16 <= n { store16(load16(x + i) * sv, x + i); i += 16 }
    while i < n { x[i] *= s; i += 1 }
}

/// Σ a[n]·b[n] (fixed summation order: 16 lanes, then lanes in order, then the tail).
@inlinable public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n { acc += load16(a + i) * load16(b + i); i += 16 }
    var s = acc.sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// Σ x[n]
public func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n { acc += load16(x + i); i += 16 }
    var s = acc.sum()
    while i < n { s += x[i]; i += 1 }
    return s
}

/// max x[n]
public func maximum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = -Float.infinity
    var i = 0
    if n >= 16 {
        var acc = load16(x); i = 16
        while i + 16 <= n { acc = max16(acc, load16(x + i)); i += 16 }
        m = acc.max()
    }
    while i < n { m = Swift.max(m, x[i]); i += 1 }
    return m
}

/// Index of the largest x[i], i < n (n ≥ 1); ties go to the lowest index
/// (a NaN after x[0] is never chosen; scoring and greedy generation share this rule).
public func argmax(_ x: UnsafePointer<Float>, _ n: Int) -> Int {
    precondition(n >= 1, "argmax of an empty row")
    var best = 0
    for j in 1..<n where x[j] > x[best] { best = j }
    return best
}

/// e^x for 16 lanes: range reduction x = k·ln2 + r, degree-6 polynomial for e^r (rel. error ≈ 2e-7).
/// Branch-free and call-free, so it stays in vector registers: k is rounded to nearest-even by
/// adding and subtracting 1.5·2²³ (exact for |k| < 2²²), and 2^k is built from k's bits directly.
@inlinable @inline(__always) public func exp16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let c = min16(max16(x, SIMD16(repeating: -87.3)), SIMD16(repeating: 88.3))
    let magic = SIMD16<Float>(repeating: 12_582_912)                  // 1.5 · 2²³
    let shifted = c * 1.442695040888963 + magic
    let k = shifted - magic                                            // round(c / ln2), as a float
    let r = c - k * 0.693145751953125 - k * 1.428606765330187e-06
    var p = SIMD16<Float>(repeating: 1.0 / 720)
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // shifted's low mantissa bits hold k (two's complement around the magic's pattern)
    let ki = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
    return p * unsafeBitCast((ki &+ 127) &<< 23, to: SIMD16<Float>.self)
}

/// out[n] = exp(x[n] − shift); returns Σ out (same fixed order as `sum`).
public func expShifted(_ x: UnsafePointer<Float>, shift: Float, into out: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>(repeating: 0)
    let sv = SIMD16<Float>(repeating: shift)
    var i = 0
    while i + 16 <= n { let e = exp16(load16(x + i) - sv); store16(e, out + i); acc += e; i += 16 }
    var s = acc.sum()
    while i < n { let e = Foundation.exp(x[i] - shift); out[i] = e; s += e; i += 1 }
    return s
}
