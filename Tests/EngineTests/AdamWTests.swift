// AdamW against a scalar Double transcription of torch.optim.AdamW's update, two groups with
// their own learning rates, and the one-buffer parameter store.
import Foundation
import Testing
import Engine
import Tensor

@Suite struct AdamWTests {
    @Test func matchesTorchUpdateRule() {
        let a = ParameterStore([("w", [3]), ("b", [2])])
        let adapter = ParameterStore([("x", [2])])
        let init1: [Float] = [0.5, -1, 2], grads: [[Float]] = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.0], [1, 1, -1]]
        a.value("w").update(from: init1, count: 3)
        adapter.value("x").update(from: [1, 2], count: 2)
        let opt = AdamW(groups: [AdamWGroup(name: "lm", store: a, hyper: AdamWHyper(lr: 1e-2)),
                                 AdamWGroup(name: "adapter", store: adapter, hyper: AdamWHyper(lr: 1e-1, weightDecay: 0))])
        var p = init1.map(Double.init), m = [Double](repeating: 0, count: 3), v = m
        for (step, gs) in grads.enumerated() {
            opt.zeroGrad()
            a.grad("w").update(from: gs, count: 3)
            adapter.grad("x").update(from: [0.5, 0.5], count: 2)
            opt.update()
            let t = Double(step + 1)
            for i in 0..<3 {
                let g = Double(gs[i])
                p[i] *= 1 - 1e-2 * 0.01
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                p[i] -= 1e-2 / (1 - pow(0.9, t)) * m[i] / (v[i].squareRoot() / (1 - pow(0.999, t)).squareRoot() + 1e-8)
            }
        }
        for i in 0..<3 { #expect(abs(Double(a.value("w")[i]) - p[i]) < 1e-6) }
        #expect(opt.step == 3)
        // constant gradient, no decay: each Adam step moves by ≈ lr
        #expect(abs(adapter.value("x")[0] - (1 - 0.3)) < 1e-4)
    }

    @Test func storeLaysTensorsOutOnce() {
        let s = ParameterStore([("a", [2, 3]), ("b", [5])])
        #expect(s.entry("a")!.offset == 0 && s.entry("b")!.offset == 16)
        #expect(s.parameterCount == 11 && s.totalCount == 32)
        s.grads[3] = 1
        s.zeroGrad()
        #expect(s.grads.array.allSatisfy { $0 == 0 })
    }
}
