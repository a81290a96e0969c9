// Projectors onto the span of a few directions of the LM's residual: the detach-and-roll
// subspace (adapter rows of the output variable, METHOD §3.2) and the noise experiment's
// subspaces (METHOD §5.7). P = M (MᵀM + λI)⁻¹ Mᵀ with M = rowsᵀ, [D, r]; the r×r solve is in
// Double (r ≤ a few dozen). Legend: r directions, D width.
import Support

/// The [D, D] orthogonal projector onto the span of `rows` ([r, D] row-major). `ridge` λ = 0 is
/// the pseudo-inverse projector for full-rank rows (the paper's causality code uses 1e-7).
public func subspaceProjector(rows: [Float], r: Int, d: Int, ridge: Double = 0) throws -> [Float] {
    precondition(rows.count == r * d, "subspaceProjector: \(rows.count) values for \(r) × \(d)")
    // G = M·Mᵀ over rows (r × r), in Double
    var g = [Double](repeating: 0, count: r * r)
    for a in 0..<r {
        for b in a..<r {
            var s = 0.0
            for j in 0..<d { s += Double(rows[a * d + j]) * Double(rows[b * d + j]) }
            g[a * r + b] = s; g[b * r + a] = s
        }
        g[a * r + a] += ridge
    }
    let inv = try invertSymmetric(g, r)
    // P[i, j] = Σ_ab M[i, a] inv[a, b] M[j, b] = Σ_ab rows[a, i] inv[a, b] rows[b, j]
    var t = [Double](repeating: 0, count: r * d)          // inv · rows, [r, D]
    for a in 0..<r {
        for b in 0..<r where inv[a * r + b] != 0 {
            let w = inv[a * r + b]
            for j in 0..<d { t[a * d + j] += w * Double(rows[b * d + j]) }
        }
    }
    var p = [Float](repeating: 0, count: d * d)
    for i in 0..<d {
        for j in 0..<d {
            var s = 0.0
            for a in 0..<r { s += Double(rows[a * d + i]) * t[a * d + j] }
            p[i * d + j] = Float(s)
        }
    }
    return p
}

/// Gauss–Jordan inverse with partial pivoting; a (numerically) singular matrix is an error.
func invertSymmetric(_ m: [Double], _ r: Int) throws -> [Double] {
    var a = m, inv = [Double](repeating: 0, count: r * r)
    for i in 0..<r { inv[i * r + i] = 1 }
    let scale = max(m.map(abs).max() ?? 0, 1e-300)
    for c in 0..<r {
        var pivot = c
        for k in (c + 1)..<max(r, c + 1) where abs(a[k * r + c]) > abs(a[pivot * r + c]) { pivot = k }
        guard abs(a[pivot * r + c]) > 1e-12 * scale else {
            throw InjectionError("subspace projector: the \(r) directions are linearly dependent (pivot \(a[pivot * r + c]) in column \(c)); the adapter rows of the output variable have collapsed")
        }
        if pivot != c {
            for j in 0..<r { a.swapAt(c * r + j, pivot * r + j); inv.swapAt(c * r + j, pivot * r + j) }
        }
        let f = 1 / a[c * r + c]
        for j in 0..<r { a[c * r + j] *= f; inv[c * r + j] *= f }
        for k in 0..<r where k != c && a[k * r + c] != 0 {
            let g = a[k * r + c]
            for j in 0..<r { a[k * r + j] -= g * a[c * r + j]; inv[k * r + j] -= g * inv[c * r + j] }
        }
    }
    return inv
}

/// r orthonormal random directions in R^D ([r, D]): Gaussian rows, Gram–Schmidt (seeded).
public func orthonormalRandomRows(r: Int, d: Int, seed: UInt64) -> [Float] {
    var rng = SeededRNG(seed: seed)
    var rows = [Double](repeating: 0, count: r * d)
    for a in 0..<r {
        for j in 0..<d { rows[a * d + j] = rng.normal() }
        for _ in 0..<2 {   // twice for numerical orthogonality
            for b in 0..<a {
                var dot = 0.0
                for j in 0..<d { dot += rows[a * d + j] * rows[b * d + j] }
                for j in 0..<d { rows[a * d + j] -= dot * rows[b * d + j] }
            }
        }
        var n = 0.0
        for j in 0..<d { n += rows[a * d + j] * rows[a * d + j] }
        n = n.squareRoot()
        for j in 0..<d { rows[a * d + j] /= n }
    }
    return rows.map(Float.init)
}

/// The paper's control (METHOD §5.7): r rows with entries uniform in [0, 1), seeded.
public func uniformRandomRows(r: Int, d: Int, seed: UInt64) -> [Float] {
    var rng = SeededRNG(seed: seed)
    return (0..<(r * d)).map { _ in rng.unitFloat() }
}
