// The bf16 path of the model's products (issue 15): rounding to bf16 bit by bit, the SIMD
// conversion against the scalar one, and gemmBF16 against the Double oracle in every transpose
// combination with padded leading dimensions, alpha and beta. Where the CPU lists no bf16 units
// and oneDNN refuses bf16, the refusal must be the clear PrecisionError instead.
import Foundation
import Testing
import Support
import Tensor

@Suite struct MatmulBF16Tests {
    func random(_ n: Int, seed: Int) -> [Float] { TestValues.random(n, seed: seed, divisor: 997) }

    var cpuinfo: String { (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "" }

    @Test func roundingIsToNearestEvenAndKeepsSpecials() {
        #expect(bf16Bits(1) == 0x3F80)
        #expect(bf16Bits(Float(bitPattern: 0x3F80_8000)) == 0x3F80)   // tie, even below
        #expect(bf16Bits(Float(bitPattern: 0x3F81_8000)) == 0x3F82)   // tie, even above
        #expect(bf16Bits(Float(bitPattern: 0x3F80_8001)) == 0x3F81)   // just above the tie
        #expect(bf16Bits(-2.5) == 0xC020)
        #expect(bf16Bits(.infinity) == 0x7F80 && bf16Bits(-.infinity) == 0xFF80)
        #expect(bf16Bits(.greatestFiniteMagnitude) == 0x7F80)          // rounds past bf16's largest to ∞
        #expect(floatFromBF16(bf16Bits(Float(bitPattern: 0x7F80_0001))).isNaN)  // a NaN with a low payload stays NaN
        #expect(floatFromBF16(bf16Bits(Float(bitPattern: 0x7FFF_FFFF))).isNaN)
        #expect(floatFromBF16(bf16Bits(3.140625)) == 3.140625)          // exactly representable
    }

    @Test func matrixConversionMatchesScalarRounding() {
        let rows = 5, cols = 37, ld = 41   // 37 = two SIMD blocks and a tail
        var src = random(rows * ld, seed: 3)
        src[3] = .nan; src[20] = .infinity; src[ld + 16] = Float(bitPattern: 0x3F81_8000); src[2 * ld + 35] = -0.0
        var dst = [UInt16](repeating: 0, count: rows * cols)
        roundToBF16(src, rows: rows, cols: cols, ld: ld, into: &dst)
        for r in 0..<rows { for c in 0..<cols { #expect(dst[r * cols + c] == bf16Bits(src[r * ld + c]), "row \(r) column \(c)") } }
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func productMatchesTheOracleWithinBF16Rounding(_ flags: (Bool, Bool)) throws {
        let (ta, tb) = flags
        let m = 19, n = 23, k = 45, pad = 3
        let lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad
        let a = random((ta ? k : m) * lda, seed: 1), b = random((tb ? n : k) * ldb, seed: 2)
        var c1 = random(m * ldc, seed: 4), c2 = c1, c3 = c1
        let available = Precision.bf16Available
        guard available else {
            // Only a CPU without bf16 units may refuse, and then with the clear error.
            #expect(!cpuHasBF16Units(cpuinfo: cpuinfo), "this CPU lists bf16 units but oneDNN refused a bf16 matmul")
            #expect(throws: PrecisionError.self) { try Precision.scoped(.bf16) { () } }
            return
        }
        gemmBF16(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &c1, ldc: ldc)
        gemmReference(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &c2, ldc: ldc)
        // The oracle on the inputs rounded to bf16 first: only fp32 summation error remains.
        let ar = a.map { floatFromBF16(bf16Bits($0)) }, br = b.map { floatFromBF16(bf16Bits($0)) }
        gemmReference(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: ar, lda: lda, b: br, ldb: ldb, beta: 2, c: &c3, ldc: ldc)
        var differs = false
        for i in 0..<m {
            for j in 0..<ldc {
                let e = i * ldc + j
                if j >= n { #expect(c1[e] == c2[e], "padding column \(j) of row \(i) was written"); continue }
                var mass = 0.0   // Σ|a||b|: the scale of the rounding error
                for p in 0..<k {
                    let av = ta ? a[p * lda + i] : a[i * lda + p], bv = tb ? b[j * ldb + p] : b[p * ldb + j]
                    mass += Double(abs(av * bv))
                }
                // Two roundings of relative size ≤ 2⁻⁹ each, times alpha = 0.5.
                #expect(Double(abs(c1[e] - c2[e])) <= 0.5 * mass * 2 * 0x1p-9 + 1e-5, "element (\(i), \(j))")
                #expect(Double(abs(c1[e] - c3[e])) <= 0.5 * mass * 1e-6 + 1e-5, "element (\(i), \(j)) against the rounded inputs")
                if c1[e] != c2[e] { differs = true }
            }
        }
        #expect(differs, "no element differs from fp32: the product did not run in bf16")
    }

    @Test func autoChoosesBF16OnlyWhereTheCPUHasBF16Units() {
        let zen4 = "flags\t\t: fpu avx2 avx512f avx512_bf16 avx512vl\n"
        let sapphire = "flags\t\t: fpu avx2 avx512f amx_bf16 amx_tile\n"
        let zen3 = "flags\t\t: fpu avx2 fma\n"
        #expect(Precision.resolve(.auto, cpuinfo: zen4).0 == .bf16)
        #expect(Precision.resolve(.auto, cpuinfo: sapphire).0 == .bf16)
        #expect(Precision.resolve(.auto, cpuinfo: zen3).0 == .fp32)
        #expect(Precision.resolve(.fp32, cpuinfo: zen4).0 == .fp32)
        #expect(Precision.resolve(.bf16, cpuinfo: zen3).0 == .bf16)
        #expect(Precision.resolve(.auto, cpuinfo: "").0 == .fp32)
    }

    /// Whether oneDNN serves bf16 products here (where it does not, the refusal test above covers it).
    static let bf16Available = Precision.bf16Available

    @Test(.enabled(if: bf16Available, "oneDNN refuses bf16 on this CPU")) func sameInputsSameBits() throws {
        let m = 64, n = 96, k = 128
        let a = random(m * k, seed: 5), b = random(k * n, seed: 6)
        var c1 = [Float](repeating: 0, count: m * n), c2 = c1
        gemmBF16(transA: false, transB: true, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &c1, ldc: n)
        gemmBF16(transA: false, transB: true, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &c2, ldc: n)
        #expect(c1.map(\.bitPattern) == c2.map(\.bitPattern))
    }
}
