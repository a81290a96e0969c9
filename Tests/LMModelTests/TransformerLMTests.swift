// Whole-model gradients of both families against finite differences, including a residual hook
// and gradients injected on residuals; input validation; the frozen-teacher copy.
import Foundation
import Testing
import Engine
import LM
import Tensor

/// A differentiable test hook: out = h·A + C (A, C fixed). With C = the rolled complement of a
/// DetachAndRoll forward it is that hook with its stop-gradient made explicit.
final class AffineHook: ResidualHook {
    let a: [Float], c: [Float]
    init(a: [Float], c: [Float]) { self.a = a; self.c = c }
    func forward(_ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, b: Int, t: Int, d: Int) {
        gemm(transA: false, transB: false, m: b * t, n: d, k: d, a: h, lda: d, b: a, ldb: d, c: out, ldc: d)
        for i in 0..<(b * t * d) { out[i] += c[i] }
    }
    func backward(_ dh: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ h: UnsafePointer<Float>, b: Int, t: Int, d: Int) {
        gemm(transA: false, transB: true, m: b * t, n: d, k: d, a: dout, lda: d, b: a, ldb: d, c: dh, ldc: d)
    }
}

@Suite struct TransformerLMTests {
    let b = 2, t = 5

    /// loss = CE(next token) + Σ_i r_i · residual_i over `reads`; returns loss and fills grads when asked.
    func lossAndGrads(_ m: TransformerLM, ids: [Int32], hook: (afterBlock: Int, hook: ResidualHook)?, reads: [Int],
                      withGrads: Bool) throws -> Double {
        let out = try m.forward(ids, batch: b, seq: t, options: ForwardOptions(training: withGrads, hook: hook))
        let n = b * t, v = m.config.vocabSize, d = m.config.dModel
        let targets = Tiny.nextTokenTargets(ids, batch: b, seq: t)
        let ce = crossEntropyForwardBackward(logits: out.logits, targets: targets, dlogits: withGrads ? out.logits : nil, n: n, v: v)
        var loss = Double(ce.loss)
        var rs: [Int: [Float]] = [:]
        for i in reads {
            let r = Tiny.randomArray(n * d, seed: UInt64(100 + i), scale: 0.5)
            for j in 0..<(n * d) { loss += Double(r[j]) * Double(out.residual(i)[j]) }
            rs[i] = r
        }
        if withGrads {
            m.params.zeroGrad()
            var ptrs: [Int: UnsafePointer<Float>] = [:]
            let holders = rs.mapValues { FloatBuffer($0) }
            for (i, h) in holders { ptrs[i] = UnsafePointer(h.pointer) }
            m.backward(dlogits: out.logits, residualGrads: ptrs)
            withExtendedLifetime(holders) {}
        }
        return loss
    }

    func checkModel(_ config: ModelConfig, hookAfter: Int?, reads: [Int]) throws {
        let m = try TransformerLM(randomlyInitialized: config, seed: 7)
        // larger weights than the 0.02 init so that every path carries signal
        for i in 0..<m.params.totalCount { m.params.values[i] *= 10 }
        for e in m.params.entries where e.name.contains("norm") || e.name.contains("ln_") {
            for j in 0..<e.count { m.params.values[e.offset + j] = 1 + 0.1 * Float(j % 5) }
        }
        let ids = Tiny.tokens(b * t)
        let d = config.dModel
        var hook: (afterBlock: Int, hook: ResidualHook)?
        if let k = hookAfter {
            hook = (k, AffineHook(a: Tiny.randomArray(d * d, seed: 9, scale: 0.4), c: Tiny.randomArray(b * t * d, seed: 10)))
        }
        _ = try lossAndGrads(m, ids: ids, hook: hook, reads: reads, withGrads: true)
        let analytic = m.params.grads.array
        var worst = 0.0, worstName = ""
        let h: Float = 1e-2
        for e in m.params.entries {
            for j in 0..<e.count {
                let i = e.offset + j, x0 = m.params.values[i]
                m.params.values[i] = x0 + h
                let lp = try lossAndGrads(m, ids: ids, hook: hook, reads: reads, withGrads: false)
                m.params.values[i] = x0 - h
                let lm = try lossAndGrads(m, ids: ids, hook: hook, reads: reads, withGrads: false)
                m.params.values[i] = x0
                let numeric = (lp - lm) / (2 * Double(h))
                let err = abs(numeric - Double(analytic[i])) / max(1, abs(numeric))
                if err > worst { worst = err; worstName = "\(e.name)[\(j)] numeric \(numeric) analytic \(analytic[i])" }
            }
        }
        #expect(worst < 2e-2, "\(config.family) worst gradient error \(worst) at \(worstName)")
    }

    @Test func llamaGradientsMatchFiniteDifferences() throws { try checkModel(Tiny.llama, hookAfter: nil, reads: []) }
    @Test func llamaUntiedWithHookAndResidualGrads() throws { try checkModel(Tiny.llamaUntied, hookAfter: 0, reads: [0, 1]) }
    @Test func gpt2GradientsMatchFiniteDifferences() throws { try checkModel(Tiny.gpt2, hookAfter: nil, reads: []) }
    @Test func gpt2WithHookAndResidualGrads() throws { try checkModel(Tiny.gpt2, hookAfter: 1, reads: [0, 1, 2]) }

    /// A forward that names logit rows computes the same logits at those rows, and its backward the
    /// same gradients, as the full head with every other row's target masked (both families, with a hook).
    @Test(arguments: [Tiny.llama, Tiny.llamaUntied, Tiny.gpt2])
    func logitRowsEqualTheFullHeadMasked(_ config: ModelConfig) throws {
        let m = try TransformerLM(randomlyInitialized: config, seed: 11)
        let ids = Tiny.tokens(b * t), n = b * t, v = config.vocabSize, d = config.dModel
        let hook: (afterBlock: Int, hook: ResidualHook) = (0, AffineHook(a: Tiny.randomArray(d * d, seed: 9, scale: 0.4),
                                                                          c: Tiny.randomArray(n * d, seed: 10)))
        let rows = [1, 4, 5, 9]
        var targets = [Int32](repeating: -1, count: n)
        for r in rows { targets[r] = Int32((r * 7) % v) }
        // full head, masked targets
        let full = try m.forward(ids, batch: b, seq: t, options: ForwardOptions(training: true, hook: hook))
        let fullLogits = rows.flatMap { Array(UnsafeBufferPointer(start: full.logits + $0 * v, count: v)) }
        let fullLoss = crossEntropyForwardBackward(logits: full.logits, targets: targets, dlogits: full.logits, n: n, v: v).loss
        m.params.zeroGrad()
        m.backward(dlogits: full.logits)
        let fullGrads = m.params.grads.array
        // the named rows only
        let part = try m.forward(ids, batch: b, seq: t, options: ForwardOptions(training: true, hook: hook, logitRows: rows))
        #expect(part.logitRows == rows)
        let partLogits = Array(UnsafeBufferPointer(start: part.logits, count: rows.count * v))
        let partLoss = crossEntropyForwardBackward(logits: part.logits, targets: rows.map { targets[$0] }, dlogits: part.logits,
                                                   n: rows.count, v: v).loss
        m.params.zeroGrad()
        m.backward(dlogits: part.logits)
        let partGrads = m.params.grads.array
        #expect(zip(fullLogits, partLogits).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        #expect(abs(fullLoss - partLoss) <= 1e-5 * max(1, abs(fullLoss)))
        let scale = fullGrads.map(abs).max() ?? 1
        let worst = zip(fullGrads, partGrads).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * max(1, scale), "\(config.family): worst gradient difference \(worst) (largest gradient \(scale))")
    }

    @Test func logitRowsAreChecked() throws {
        let m = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 3)
        let ids = Tiny.tokens(b * t)
        for bad in [[3, 3], [4, 2], [-1], [b * t]] {
            #expect { try m.forward(ids, batch: b, seq: t, options: ForwardOptions(logitRows: bad)) } throws: { "\($0)".contains("logit rows") }
        }
        let none = try m.forward(ids, batch: b, seq: t, options: ForwardOptions(training: true, logitRows: []))
        m.params.zeroGrad()
        m.backward(dlogits: none.logits)          // no rows: no head gradient, nothing read
        #expect(m.params.grads.array.allSatisfy { $0 == 0 })
    }

    @Test func residualReadsAreBlockInputs() throws {
        let m = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 3)
        let ids = Tiny.tokens(b * t)
        let out = try m.forward(ids, batch: b, seq: t)
        let emb = m.params.value(WeightNames.Llama.embedding), d = Tiny.llama.dModel
        for n in 0..<(b * t) { for j in 0..<d { #expect(out.residual(0)[n * d + j] == emb[Int(ids[n]) * d + j]) } }
    }

    @Test func badInputsAreNamed() throws {
        let m = try TransformerLM(randomlyInitialized: Tiny.gpt2, seed: 3)
        #expect(throws: ModelInputError.self) { try m.forward([1, 2, 3], batch: 2, seq: 2) }
        #expect { try m.forward([1, 40], batch: 1, seq: 2) } throws: { "\($0)".contains("token id 40") }
        #expect { try m.forward([Int32](repeating: 1, count: 9), batch: 1, seq: 9) } throws: { "\($0)".contains("context length 8") }
    }

    @Test func teacherCopyIsFrozenAndEqual() throws {
        let m = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 3)
        let teacher = m.copy()
        let ids = Tiny.tokens(b * t)
        let a = Array(UnsafeBufferPointer(start: try m.forward(ids, batch: b, seq: t).logits, count: b * t * 32))
        let c = Array(UnsafeBufferPointer(start: try teacher.forward(ids, batch: b, seq: t).logits, count: b * t * 32))
        #expect(a == c)
        m.params.values[0] += 1
        #expect(teacher.params.values[0] != m.params.values[0])
    }
}
