// Ridge least squares for an affine map, Y ≈ X·Wᵀ + b: decode's control adapter (fitted on the
// untouched LM) and distill's least-squares adapter initialisation both use it.
// The Gram matrices XᵀX and XᵀY come from CBLAS (Tensor's gemm) batch by batch, are centred in
// Double (so the bias is the mean offset), and the normal equations (XᵀX + λI)·Wᵀ = XᵀY are
// solved by a Cholesky factorisation in Double. Legend: N rows, D input width, C output width.

/// An affine map as the adapter file holds it: weight [C, D] row-major, bias [C].
public struct AffineMap: Sendable, Equatable {
    public var weight: [Float]
    public var bias: [Float]
    public var inputWidth: Int
    public var outputWidth: Int
    public init(weight: [Float], bias: [Float], inputWidth: Int, outputWidth: Int) {
        self.weight = weight; self.bias = bias; self.inputWidth = inputWidth; self.outputWidth = outputWidth
    }
}

/// Fits W [C, D], b [C] minimising Σ‖y − W·x − b‖² + λ‖W‖², with λ = `ridge` × trace(XcᵀXc)/D, Xc centred
/// (relative, so the same setting suits residuals of any scale). x: [N, D], y: [N, C], row-major.
public func fitAffineLeastSquares(x: [Float], y: [Float], rows n: Int, inputWidth d: Int, outputWidth c: Int,
                                  ridge: Double) throws -> AffineMap {
    var eq = NormalEquations(inputWidth: d, outputWidth: c)
    try eq.add(x: x, y: y, rows: n)
    return try eq.solve(ridge: ridge)
}

/// The sums a least-squares fit needs, accumulated batch by batch (so the rows never have to be
/// held at once): Σ x̃x̃ᵀ, Σ x̃ỹᵀ, Σ x̃, Σ ỹ over shifted rows x̃ = x − s_x, ỹ = y − s_y, where the
/// shifts are the first batch's means (this keeps the Float products well conditioned).
public struct NormalEquations: Sendable {
    public let inputWidth: Int, outputWidth: Int
    public private(set) var rows = 0
    /// Σ of the rows' weights (= rows when every row has weight 1).
    public private(set) var totalWeight = 0.0
    var shiftX: [Float] = [], shiftY: [Float] = []
    var xx: [Double], xy: [Double], sx: [Double], sy: [Double]   // [D, D], [D, C], [D], [C]

    public init(inputWidth d: Int, outputWidth c: Int) {
        inputWidth = d; outputWidth = c
        xx = [Double](repeating: 0, count: d * d); xy = [Double](repeating: 0, count: d * c)
        sx = [Double](repeating: 0, count: d); sy = [Double](repeating: 0, count: c)
    }

    /// Adds rows x [N, D] ↔ y [N, C], each counted `weight` times in the squared error (weighted least squares).
    public mutating func add(x: [Float], y: [Float], rows n: Int, weight: Double = 1) throws {
        let d = inputWidth, c = outputWidth
        guard n > 0, x.count == n * d, y.count == n * c else {
            throw LeastSquaresError("least squares: x has \(x.count) values and y \(y.count); expected \(n)×\(d) and \(n)×\(c)")
        }
        if let bad = (x.first { !$0.isFinite } ?? y.first { !$0.isFinite }) {
            throw LeastSquaresError("least squares: a non-finite value (\(bad)) among the rows")
        }
        guard weight > 0, weight.isFinite else { throw LeastSquaresError("least squares: row weight \(weight) must be finite and > 0") }
        if rows == 0 { shiftX = columnMeans(x, n, d).map(Float.init); shiftY = columnMeans(y, n, c).map(Float.init) }
        var xs = x, ys = y                                  // shifted copies [N, D], [N, C]
        for r in 0..<n {
            for j in 0..<d { xs[r * d + j] -= shiftX[j]; sx[j] += weight * Double(xs[r * d + j]) }
            for j in 0..<c { ys[r * c + j] -= shiftY[j]; sy[j] += weight * Double(ys[r * c + j]) }
        }
        var gram = [Float](repeating: 0, count: d * d)     // [D, D] = x̃ᵀ·x̃
        var cross = [Float](repeating: 0, count: d * c)    // [D, C] = x̃ᵀ·ỹ
        xs.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { g in
                gemm(transA: true, transB: false, m: d, n: d, k: n, a: a.baseAddress!, lda: d, b: a.baseAddress!, ldb: d,
                     c: g.baseAddress!, ldc: d)
            }
            ys.withUnsafeBufferPointer { b in
                cross.withUnsafeMutableBufferPointer { o in
                    gemm(transA: true, transB: false, m: d, n: c, k: n, a: a.baseAddress!, lda: d, b: b.baseAddress!, ldb: c,
                         c: o.baseAddress!, ldc: c)
                }
            }
        }
        for i in 0..<(d * d) { xx[i] += weight * Double(gram[i]) }
        for i in 0..<(d * c) { xy[i] += weight * Double(cross[i]) }
        rows += n
        totalWeight += weight * Double(n)
    }

    /// Solves the ridge normal equations on the centred sums.
    public func solve(ridge: Double) throws -> AffineMap {
        let d = inputWidth, c = outputWidth, n = totalWeight
        guard rows > 0 else { throw LeastSquaresError("least squares: no rows to fit") }
        guard ridge >= 0, ridge.isFinite else { throw LeastSquaresError("least squares: ridge must be finite and ≥ 0, got \(ridge)") }
        let mx = sx.map { $0 / n }, my = sy.map { $0 / n }  // means of the shifted rows
        var g = xx                                         // centred Σ(x−μ)(x−μ)ᵀ
        for i in 0..<d { for j in 0..<d { g[i * d + j] -= n * mx[i] * mx[j] } }
        var r = xy                                         // centred Σ(x−μ)(y−ν)ᵀ
        for i in 0..<d { for j in 0..<c { r[i * c + j] -= n * mx[i] * my[j] } }
        var trace = 0.0
        for i in 0..<d { trace += g[i * d + i] }
        let lambda = ridge * max(trace / Double(d), 1e-12)
        for i in 0..<d { g[i * d + i] += lambda }
        let wt = try solveSymmetricPositiveDefinite(g, r, size: d, columns: c)   // [D, C]
        var weight = [Float](repeating: 0, count: c * d)
        var bias = [Float](repeating: 0, count: c)
        for o in 0..<c {
            var offset = Double(shiftY[o]) + my[o]
            for j in 0..<d {
                weight[o * d + j] = Float(wt[j * c + o])
                offset -= wt[j * c + o] * (Double(shiftX[j]) + mx[j])
            }
            bias[o] = Float(offset)
        }
        return AffineMap(weight: weight, bias: bias, inputWidth: d, outputWidth: c)
    }
}

func columnMeans(_ m: [Float], _ n: Int, _ w: Int) -> [Double] {
    var s = [Double](repeating: 0, count: w)
    for r in 0..<n { for j in 0..<w { s[j] += Double(m[r * w + j]) } }
    return s.map { $0 / Double(n) }
}

/// Solves A·X = B for symmetric positive definite A [size, size] and B [size, columns] by
/// Cholesky (A = L·Lᵀ), forward then back substitution. A pivot ≤ 1e-10 × the largest diagonal
/// entry (numerically singular) is an error.
public func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], size n: Int, columns m: Int) throws -> [Double] {
    precondition(a.count == n * n && b.count == n * m, "solveSymmetricPositiveDefinite: shapes")
    var l = [Double](repeating: 0, count: n * n)         // lower triangle
    var largest = 0.0
    for i in 0..<n { largest = max(largest, abs(a[i * n + i])) }
    let tolerance = 1e-10 * largest                      // a pivot below this is rounding noise: singular
    for j in 0..<n {
        var diag = a[j * n + j]
        for k in 0..<j { diag -= l[j * n + k] * l[j * n + k] }
        guard diag > tolerance else {
            throw LeastSquaresError("least squares: the normal equations are not positive definite at pivot \(j) (\(diag)); raise --ridge")
        }
        let ljj = diag.squareRoot()
        l[j * n + j] = ljj
        for i in (j + 1)..<max(j + 1, n) {
            var s = a[i * n + j]
            for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
            l[i * n + j] = s / ljj
        }
    }
    var x = b                                            // L·Z = B, then Lᵀ·X = Z, in place
    for i in 0..<n {
        for k in 0..<i { let f = l[i * n + k]; if f != 0 { for c in 0..<m { x[i * m + c] -= f * x[k * m + c] } } }
        let p = l[i * n + i]
        for c in 0..<m { x[i * m + c] /= p }
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        for k in (i + 1)..<max(i + 1, n) { let f = l[k * n + i]; if f != 0 { for c in 0..<m { x[i * m + c] -= f * x[k * m + c] } } }
        let p = l[i * n + i]
        for c in 0..<m { x[i * m + c] /= p }
    }
    return x
}

extension AffineMap {
    /// The identity from C to C (the check that decoding the compiled stream itself is exact).
    public static func identity(_ width: Int) -> AffineMap {
        var w = [Float](repeating: 0, count: width * width)
        for i in 0..<width { w[i * width + i] = 1 }
        return AffineMap(weight: w, bias: [Float](repeating: 0, count: width), inputWidth: width, outputWidth: width)
    }

    /// y [N, C] = x [N, D] · Wᵀ + b (CBLAS).
    public func apply(_ x: [Float], rows n: Int) throws -> [Float] {
        guard x.count == n * inputWidth else {
            throw LeastSquaresError("adapter: \(x.count) values are not \(n) rows of width \(inputWidth)")
        }
        var y = [Float](repeating: 0, count: n * outputWidth)
        for r in 0..<n { for o in 0..<outputWidth { y[r * outputWidth + o] = bias[o] } }
        y.withUnsafeMutableBufferPointer { yp in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { wp in
                    gemm(transA: false, transB: true, m: n, n: outputWidth, k: inputWidth, a: xp.baseAddress!, lda: inputWidth,
                         b: wp.baseAddress!, ldb: inputWidth, beta: 1, c: yp.baseAddress!, ldc: outputWidth)
                }
            }
        }
        return y
    }
}

public struct LeastSquaresError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
