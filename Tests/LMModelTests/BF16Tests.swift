// The model in bf16 (issue 15): with the linear layers' products taking bf16 inputs and summing in
// fp32, the logits and every parameter's gradient stay close to the fp32 ones on random inputs
// (both families, with a residual hook and injected residual gradients), and differ from them
// (the path is really taken). Runs where oneDNN serves bf16; elsewhere MatmulBF16Tests checks the refusal.
import Testing
import Engine
import LM
import Tensor

@Suite struct BF16Tests {
    static let available = Precision.bf16Available
    let b = 2, t = 6

    /// Logits and gradients of CE + Σ r·residual in one precision.
    func pass(_ m: TransformerLM, _ p: MatmulPrecision, hookAfter: Int?, reads: [Int]) throws -> (logits: [Float], grads: [Float]) {
        try Precision.scoped(p) {
            let ids = Tiny.tokens(b * t), n = b * t, d = m.config.dModel, v = m.config.vocabSize
            var hook: (afterBlock: Int, hook: ResidualHook)?
            if let k = hookAfter {
                hook = (k, AffineHook(a: Tiny.randomArray(d * d, seed: 9, scale: 0.4), c: Tiny.randomArray(n * d, seed: 10)))
            }
            let out = try m.forward(ids, batch: b, seq: t, options: ForwardOptions(training: true, hook: hook))
            let logits = Array(UnsafeBufferPointer(start: out.logits, count: n * v))
            _ = crossEntropyForwardBackward(logits: out.logits, targets: Tiny.nextTokenTargets(ids, batch: b, seq: t),
                                            dlogits: out.logits, n: n, v: v)
            let holders = reads.map { FloatBuffer(Tiny.randomArray(n * d, seed: UInt64(100 + $0), scale: 0.5)) }
            var ptrs: [Int: UnsafePointer<Float>] = [:]
            for (i, r) in reads.enumerated() { ptrs[r] = UnsafePointer(holders[i].pointer) }
            m.params.zeroGrad()
            m.backward(dlogits: out.logits, residualGrads: ptrs)
            withExtendedLifetime(holders) {}
            return (logits, m.params.grads.array)
        }
    }

    func relativeError(_ x: ArraySlice<Float>, _ ref: ArraySlice<Float>) -> Double {
        var num = 0.0, den = 0.0
        for (a, r) in zip(x, ref) { num += Double(a - r) * Double(a - r); den += Double(r) * Double(r) }
        return (num / max(den, 1e-30)).squareRoot()
    }

    @Test(.enabled(if: available, "oneDNN refuses bf16 on this CPU"),
          arguments: [(Tiny.llama, 0, [0, 1]), (Tiny.llamaUntied, 1, [0, 2]), (Tiny.gpt2, 0, [1])])
    func logitsAndEveryGradientStayWithinBF16Rounding(_ c: (ModelConfig, Int, [Int])) throws {
        var config = c.0
        config.dModel = 64; config.dFF = 128; config.vocabSize = 96   // wide enough for rounding errors to average
        let m = try TransformerLM(randomlyInitialized: config, seed: 5)
        let f = try pass(m, .fp32, hookAfter: c.1, reads: c.2), h = try pass(m, .bf16, hookAfter: c.1, reads: c.2)
        // Tolerance: bf16 keeps 8 significant bits (relative rounding ≤ 2⁻⁹ ≈ 0.002 per input). Measured
        // on a Zen 4 at this initialisation: logits 0.0025, the worst parameter's gradient 0.0067 (relative
        // L2); the bounds are 4× and 3× that. (With every weight scaled ×5, far sharper attention and
        // norms than a trained model's, the same comparison measured 5–16 %.)
        let logitError = relativeError(h.logits[...], f.logits[...])
        #expect(logitError < 0.01, "\(config.family): logits' relative error \(logitError)")
        #expect(logitError > 0, "\(config.family): bf16 logits equal fp32 ones bit for bit: the bf16 path was not taken")
        for e in m.params.entries {
            let r = e.offset..<(e.offset + e.count)
            let err = relativeError(h.grads[r], f.grads[r])
            #expect(err < 0.02, "\(config.family): \(e.name)'s gradient has relative error \(err) in bf16")
        }
    }
}
