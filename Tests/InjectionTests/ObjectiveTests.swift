// The injection objective on the tiny task: injection drives the adapter's cosine close to 1 on
// every aligned layer and learns the task; the baseline learns the task and never touches the
// adapter; detach-and-roll keeps the projected part and exchanges the complement between rows;
// no gradient reaches the blocks below the hook through the detached complement.
import Testing
import Engine
import LM
import Tensor
@testable import Injection

@Suite struct ObjectiveTests {
    @Test func injectionAlignsEveryLayerAndLearnsTheTask() throws {
        // detach-and-roll makes the task harder to learn: a lower LM learning rate and more steps.
        // At 6000 steps and 2e-3 the final accuracy swung between 0.64 and 1.0 with the seed or
        // with last-bit changes in the kernels; 12000 steps at 1e-3 reached 0.96–1.0 on seeds 1–4 and 7.
        var s = TinyTask.settings(steps: 12000)
        s.lrModel = 1e-3
        let t = try TinyTask.trainer(.injection, steps: 12000, settings: s)
        let r = try t.run()
        let cos = r.log.suffix(20).compactMap(\.cos)
        let layers = cos[0].count
        #expect(layers == t.objective.layers + 1)
        for i in 0..<layers {
            let mean = cos.map { $0[i] }.reduce(0, +) / Double(cos.count)
            #expect(mean > 0.95, "layer \(i): mean cosine \(mean)")
        }
        let acc = try exactMatchAccuracy(t.objective.student, TinyTask.records(), pad: TinyTask.pad, batch: 27)
        #expect(acc >= 0.95, "task accuracy \(acc)")
    }

    @Test func baselineLearnsWithoutTouchingTheAdapter() throws {
        // 1500 steps ended at 0.91–1.0 depending on last-bit kernel changes; 3000 reach 0.99–1.0 on seeds 1–3 and 7
        let t = try TinyTask.trainer(.baseline, steps: 3000)
        let before = t.objective.adapter.params.values.array
        let r = try t.run()
        #expect(r.log.allSatisfy { $0.cos == nil && $0.alg == nil })
        #expect(t.objective.adapter.params.values.array == before)
        #expect(t.objective.adapter.params.grads.array.allSatisfy { $0 == 0 })
        let acc = try exactMatchAccuracy(t.objective.student, TinyTask.records(), pad: TinyTask.pad, batch: 27)
        #expect(acc >= 0.95, "task accuracy \(acc)")
    }

    /// The hooked residual (k+1) of row b is P·h_b + (1 − P)·h_{b−1}: checked on the model's own forward.
    @Test func rollExchangesTheComplementAndKeepsTheSubspace() throws {
        let t = try TinyTask.trainer(.injection, steps: 1)
        let o = t.objective, d = TinyTask.config.dModel, k = o.layers
        let p = try subspaceProjector(rows: o.adapter.rows(o.outputDims), r: o.outputDims.count, d: d)
        let batch = try t.teacherModel!.batch(Array(TinyTask.records()[10..<13]), pad: TinyTask.pad, withTargets: true)
        let plain = try o.student.forward(batch.tokens, batch: batch.b, seq: batch.t)
        let before = Array(UnsafeBufferPointer(start: plain.residual(k + 1), count: batch.b * batch.t * d))
        let hooked = try o.student.forward(batch.tokens, batch: batch.b, seq: batch.t,
                                           options: ForwardOptions(hook: (k, DetachAndRoll(projector: p, d: d))))
        let after = Array(UnsafeBufferPointer(start: hooked.residual(k + 1), count: before.count))
        func project(_ x: ArraySlice<Float>) -> [Float] {
            (0..<d).map { j in zip(x, (0..<d)).reduce(Float(0)) { $0 + $1.0 * p[$1.1 * d + j] } }
        }
        for row in 0..<batch.b {
            let src = (row + batch.b - 1) % batch.b
            for pos in 0..<batch.t {
                let n = (row * batch.t + pos) * d, m = (src * batch.t + pos) * d
                let hp = project(before[n..<(n + d)]), ap = project(after[n..<(n + d)]), sp = project(before[m..<(m + d)])
                for j in 0..<d {
                    #expect(abs(ap[j] - hp[j]) < 1e-4)                                           // subspace unchanged
                    #expect(abs((after[n + j] - ap[j]) - (before[m + j] - sp[j])) < 1e-4)          // complement from row b−1
                }
            }
        }
    }

    /// With an empty output subspace (P = 0) the hooked residual is entirely detached: the CE loss
    /// must give exactly zero gradient to the embeddings and every block up to k, and some to the rest.
    @Test func noGradientThroughTheDetachedPart() throws {
        var c = TinyTask.config
        c.tiedEmbeddings = false
        c.family = .llama; c.ropeTheta = 10_000; c.nKVHeads = 2
        let student = try TransformerLM(randomlyInitialized: c, seed: 1)
        let model = try TinyTask.compiled()
        let adapter = Adapter(lmWidth: c.dModel, compiledWidth: model.width, seed: 2)
        let o = Objective(method: .injection, student: student, teacher: nil, adapter: adapter, layers: 1, outputDims: [],
                          weights: LossWeights(alpha: 1, beta: 0, gamma: 0))
        let batch = try CompiledTeacher(model).batch(Array(TinyTask.records()[0..<4]), pad: TinyTask.pad, withTargets: true)
        student.params.zeroGrad()
        _ = try o.step(task: batch, text: nil, textRows: 0, textLength: 0)
        for e in student.params.entries {
            let g = UnsafeBufferPointer(start: student.params.grads.at(e.offset), count: e.count)
            let below = e.name == WeightNames.Llama.embedding || e.name.hasPrefix("model.layers.0.") || e.name.hasPrefix("model.layers.1.")
            if below {
                #expect(g.allSatisfy { $0 == 0 }, "\(e.name) got a gradient through the detached part")
            } else if e.name.hasPrefix("model.layers.2.mlp") || e.name == WeightNames.Llama.lmHead {
                #expect(g.contains { $0 != 0 }, "\(e.name) got no gradient")
            }
        }
    }
}

/// `--plain-ce ε`: while detach-and-roll acts, the step adds ε·CE of the same rows without the hook:
/// its loss is the plain model's CE, its gradient the plain CE's gradient times ε added to the
/// rolled step's, and it is absent when detach-and-roll does not act.
@Suite struct PlainCETests {
    static func gradients(_ o: Objective, _ batch: TaskBatch) throws -> (StepLosses, [Float]) {
        o.student.params.grads.zero(); o.adapter.params.grads.zero()
        let l = try o.step(task: batch, text: nil, textRows: 0, textLength: 0)
        return (l, o.student.params.grads.array)
    }

    @Test func addsThePlainPassCrossEntropyAndItsGradient() throws {
        var s = TinyTask.settings(steps: 1)
        s.loss.plainCE = 0.5
        let t = try TinyTask.trainer(.injection, steps: 1, settings: s)
        let with = t.objective
        let without = try TinyTask.trainer(.injection, steps: 1).objective
        let batch = try t.teacherModel!.batch(Array(TinyTask.records()[20..<29]), pad: TinyTask.pad, withTargets: true)
        let (a, ga) = try Self.gradients(with, batch)
        let (b, gb) = try Self.gradients(without, batch)
        #expect(a.detachAndRoll && b.cePlain == 0 && a.ce == b.ce)

        // The plain CE and its gradient, by a baseline objective on the same weights (no hook, no adapter).
        let plain = Objective(method: .baseline, student: without.student, teacher: nil, adapter: without.adapter, layers: without.layers,
                              outputDims: without.outputDims, weights: LossWeights(alpha: 1, gamma: 0))
        let (c, gc) = try Self.gradients(plain, batch)
        #expect(abs(a.cePlain - c.ce) <= 1e-6 * max(1, c.ce))
        #expect(abs(a.total - (b.total + 0.5 * c.ce)) <= 1e-5 * max(1, a.total))
        var worst: Float = 0, scale: Float = 0
        for i in ga.indices { worst = max(worst, abs(ga[i] - (gb[i] + 0.5 * gc[i]))); scale = max(scale, abs(ga[i])) }
        #expect(worst <= 1e-5 * scale, "gradient mismatch \(worst) against \(scale)")

        // Without detach-and-roll acting there is no second pass.
        with.detachAndRollActive = false
        let (d, _) = try Self.gradients(with, batch)
        #expect(d.cePlain == 0 && !d.detachAndRoll)
    }
}
