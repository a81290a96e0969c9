// The departures from the paper's recipe (docs/distill.md, "Levers") on the tiny task: the
// least-squares adapter starts far better aligned than the random one; detach-and-roll acts from
// the given step on and not before; the output-emphasis term's gradient matches finite
// differences and touches only the output coordinates; bad values are refused up front.
import Testing
import Compiler
import Engine
import Foundation
import LM
import SafeTensors
import Tensor
@testable import Injection

@Suite struct LeverTests {
    /// The cosine per aligned layer of the objective's current adapter on one batch (no update).
    func cosines(_ t: Trainer, _ batch: TaskBatch) throws -> [Float] {
        t.optimizer.zeroGrad()
        return try t.objective.step(task: batch, text: nil, textRows: 0, textLength: 0).cosine
    }

    @Test func leastSquaresInitStartsBetterAlignedThanRandom() throws {
        let t = try TinyTask.trainer(.injection, steps: 1)
        let o = t.objective
        let batch = try t.teacherModel!.batch(Array(TinyTask.records()[0..<27]), pad: TinyTask.pad, withTargets: true)
        let random = try cosines(t, batch)
        let fit = try fitAdapterByLeastSquares(o.adapter, model: o.student, teacher: t.teacherModel!, records: TinyTask.records(),
                                               pad: TinyTask.pad, layers: o.layers, outputDims: o.outputDims, batch: 9)
        let fitted = try cosines(t, batch)
        #expect(fit.examples == 81 && fit.rows == 81 * 4 * (o.layers + 1))
        #expect(fit.cosine.count == o.layers + 1)
        // hist = 0 never occurs (a token always counts itself): that output row keeps its random
        // values, so the detach-and-roll subspace stays 5-dimensional.
        #expect(fit.keptRandom.count == 1)
        #expect(try subspaceProjector(rows: o.adapter.rows(o.outputDims), r: o.outputDims.count, d: o.adapter.lmWidth).count > 0)
        for i in 0...o.layers {
            #expect(fitted[i] > random[i] + 0.2, "layer \(i): random \(random[i]), least squares \(fitted[i])")
            #expect(fitted[i] > 0.8, "layer \(i): least squares \(fitted[i])")
        }
        #expect(throws: InjectionError.self) {
            try fitAdapterByLeastSquares(o.adapter, model: o.student, teacher: t.teacherModel!, records: [], pad: TinyTask.pad,
                                         layers: o.layers, outputDims: o.outputDims, batch: 9)
        }
    }

    @Test func detachAndRollActsFromTheGivenStep() throws {
        var s = TinyTask.settings(steps: 5)
        s.detachAndRollFrom = 3
        let r = try TinyTask.trainer(.injection, steps: 5, settings: s).run()
        #expect(r.log.map(\.detach_and_roll) == [false, false, false, true, true])
        let paper = try TinyTask.trainer(.injection, steps: 2).run()
        #expect(paper.log.allSatisfy { $0.detach_and_roll == true })
        var off = TinyTask.settings(steps: 2)
        off.detachAndRoll = false
        #expect(try TinyTask.trainer(.injection, steps: 2, settings: off).run().log.allSatisfy { $0.detach_and_roll == false })
    }

    /// --output-refit-every: the output rows become the weighted ridge least-squares map pooling every
    /// aligned layer's residual → compiled output (weight 1) and the hooked residual at the answer
    /// positions → compiled output after layer k (the two groups weighted equally); the same fit is
    /// done here directly. Every other row is untouched; the trainer refits at the start step and
    /// every N steps after.
    @Test func outputRowsAreRefittedAtTheHook() throws {
        let t = try TinyTask.trainer(.injection, steps: 1)
        let o = t.objective, a = o.adapter, d = a.lmWidth, c = a.compiledWidth, k = o.layers
        let before = Array(UnsafeBufferPointer(start: a.weight, count: c * d))
        let records = TinyTask.records()
        let fit = try refitOutputRows(a, model: o.student, teacher: t.teacherModel!, records: records, pad: TinyTask.pad,
                                      layers: k, outputDims: o.outputDims, lmResiduals: o.lmResiduals, batch: 9)
        #expect(fit.agreement >= 0 && fit.agreement <= 1)
        let after = Array(UnsafeBufferPointer(start: a.weight, count: c * d))
        let outputs = Set(o.outputDims)
        for row in 0..<c where !outputs.contains(row) { #expect(after[(row * d)..<((row + 1) * d)] == before[(row * d)..<((row + 1) * d)]) }
        // the direct fit, all 81 records in one batch (every row has 4 aligned positions and 1 answer position)
        let tb = try t.teacherModel!.batch(records, pad: TinyTask.pad, withTargets: true)
        let out = try o.student.forward(tb.tokens, batch: tb.b, seq: tb.t, options: ForwardOptions(training: false, computeLogits: false))
        let aligned = tb.aligned.indices.filter { tb.aligned[$0] }, answers = tb.targets.indices.filter { tb.targets[$0] >= 0 }
        func rows(_ residual: Int, _ layer: Int, _ at: [Int]) -> ([Float], [Float]) {
            let h = out.residual(residual)
            return (at.flatMap { p in (0..<d).map { h[p * d + $0] } }, at.flatMap { p in o.outputDims.map { tb.compiled[layer][p * c + $0] } })
        }
        var eq = NormalEquations(inputWidth: d, outputWidth: o.outputDims.count)
        for (i, residual) in o.lmResiduals.enumerated() { let (x, y) = rows(residual, i, aligned); try eq.add(x: x, y: y, rows: aligned.count) }
        let (ax, ay) = rows(o.hookBlock + 1, k, answers)
        try eq.add(x: ax, y: ay, rows: answers.count, weight: Double(aligned.count * (k + 1)) / Double(answers.count))
        #expect(fit.rows == eq.rows && answers.count == 81)
        let direct = try eq.solve(ridge: 1e-3)
        // hist's value 0 never occurs at an answer position but does elsewhere; whichever rows the fit
        // keeps are unchanged, and the refitted rows predict what the direct fit predicts
        for dim in fit.kept { #expect(after[(dim * d)..<((dim + 1) * d)] == before[(dim * d)..<((dim + 1) * d)]) }
        var refitted = AffineMap(weight: [], bias: [], inputWidth: d, outputWidth: o.outputDims.count)
        for (i, dim) in o.outputDims.enumerated() {
            let source = fit.kept.contains(dim) ? Array(direct.weight[(i * d)..<((i + 1) * d)]) : (0..<d).map { a.weight[dim * d + $0] }
            refitted.weight += source
            refitted.bias.append(fit.kept.contains(dim) ? direct.bias[i] : a.bias[dim])
        }
        let p = try refitted.apply(ax, rows: answers.count), q = try direct.apply(ax, rows: answers.count)
        #expect(zip(p, q).allSatisfy { abs($0 - $1) < 1e-3 }, "largest difference \(zip(p, q).map { abs($0 - $1) }.max() ?? 0)")

        var s = TinyTask.settings(steps: 5)
        s.detachAndRollFrom = 1
        s.outputRefitEvery = 2
        s.adapterInitExamples = 18
        #expect((0..<5).map { s.refitsOutput(step: $0) } == [false, true, false, true, false])
        let r = try TinyTask.trainer(.injection, steps: 5, settings: s).run()
        #expect(r.log.map { $0.output_refit_rows != nil } == [false, true, false, true, false])

        // Held between refits: one refit (before step 1), then three updates leave the rows as refitted,
        // i.e. equal to a refit of the model after step 0 (a one-step run of the same seed).
        var once = s
        once.steps = 4; once.outputRefitEvery = 100
        let long = try TinyTask.trainer(.injection, steps: 4, settings: once)
        _ = try long.run()
        var first = once
        first.steps = 1
        let short = try TinyTask.trainer(.injection, steps: 1, settings: first)
        _ = try short.run()
        let os = short.objective
        _ = try refitOutputRows(os.adapter, model: os.student, teacher: short.teacherModel!, records: Array(TinyTask.records()[0..<18]),
                                pad: TinyTask.pad, layers: os.layers, outputDims: os.outputDims, lmResiduals: os.lmResiduals, batch: 9)
        #expect(long.objective.adapter.outputRows(os.outputDims) == os.adapter.outputRows(os.outputDims))
        #expect(long.objective.adapter.rows([0]) != os.adapter.rows([0]) || os.outputDims.contains(0), "the other rows did train")
        s.outputRefitEvery = -2
        #expect { try s.validate() } throws: { "\($0)".contains("refit interval -2") }
    }

    /// --freeze-output-rows: the output rows end as they started (here the seeded random adapter; in
    /// distill, with --adapter-init least-squares, the fit) while the other rows train; it cannot be
    /// combined with a refit.
    @Test func frozenOutputRowsKeepTheirStart() throws {
        var s = TinyTask.settings(steps: 3)
        s.freezeOutputRows = true
        #expect((0..<3).allSatisfy { s.holdsOutputRows(step: $0) } && !s.refitsOutput(step: 0))
        let start = try TinyTask.trainer(.injection, steps: 3, settings: s)       // not run: the starting adapter
        let trained = try TinyTask.trainer(.injection, steps: 3, settings: s)
        _ = try trained.run()
        let dims = trained.objective.outputDims
        #expect(trained.objective.adapter.outputRows(dims) == start.objective.adapter.outputRows(dims))
        let other = (0..<trained.objective.adapter.compiledWidth).filter { !dims.contains($0) }
        #expect(trained.objective.adapter.rows(other) != start.objective.adapter.rows(other), "the other rows did train")
        s.outputRefitEvery = 10
        #expect { try s.validate() } throws: { "\($0)".contains("cannot also be refitted") }
    }

    /// --freeze-below-hook N: for N steps from the detach-and-roll start the embeddings and blocks
    /// 0…k keep their exact values while the blocks above the hook, the final norm and the adapter train.
    @Test func freezeBelowHookKeepsTheLowerLMExactly() throws {
        var s = TinyTask.settings(steps: 3)
        s.freezeBelowHook = 3
        let t = try TinyTask.trainer(.injection, steps: 3, settings: s, lmBlocks: 5)
        let params = t.objective.student.params
        let before = Array(UnsafeBufferPointer(start: params.values.pointer, count: params.totalCount))
        let adapterBefore = Array(UnsafeBufferPointer(start: t.objective.adapter.params.values.pointer, count: t.objective.adapter.params.totalCount))
        let below = parameterRangesBelowHook(t.objective.student, hookBlock: t.objective.hookBlock)
        let names = params.entries.filter { e in below.contains { $0.contains(e.offset) } }.map(\.name)
        typealias G = WeightNames.GPT2                                    // the tiny task's LM is GPT-2-family
        #expect(names.contains(G.tokenEmbedding) && names.contains(G.positionEmbedding) && names.contains(G.layer(t.objective.hookBlock, "mlp.c_proj.bias")))
        #expect(!names.contains { $0.hasPrefix(G.finalNorm) || $0.hasPrefix(G.layer(t.objective.hookBlock + 1, "")) })
        // Llama names: embeddings (the tied head) and blocks 0…k, not the final norm or block k+1.
        var llama = TinyTask.config
        llama.family = .llama; llama.nKVHeads = 2; llama.ropeTheta = 10_000
        let l = try TransformerLM(randomlyInitialized: llama, seed: 1)
        let lb = parameterRangesBelowHook(l, hookBlock: 1)
        let lnames = l.params.entries.filter { e in lb.contains { $0.contains(e.offset) } }.map(\.name)
        #expect(lnames.first == WeightNames.Llama.embedding && lnames.last == WeightNames.Llama.layer(1, "mlp.down_proj.weight"))
        #expect(lb.count == 1 && lb[0].upperBound == l.params.entry(WeightNames.Llama.layer(2, "input_layernorm.weight"))!.offset)
        _ = try t.run()
        let after = Array(UnsafeBufferPointer(start: params.values.pointer, count: params.totalCount))
        for r in below { #expect(Array(after[r]) == Array(before[r])) }
        let above = params.entries.filter { e in !below.contains { $0.contains(e.offset) } }
        #expect(!above.isEmpty && above.allSatisfy { e in after[e.offset..<(e.offset + e.count)] != before[e.offset..<(e.offset + e.count)] })
        #expect(Array(UnsafeBufferPointer(start: t.objective.adapter.params.values.pointer, count: adapterBefore.count)) != adapterBefore)

        s.freezeBelowHook = 2; s.detachAndRollFrom = 1
        #expect((0..<5).map { s.freezesBelowHook(step: $0) } == [false, true, true, false, false])
        s.freezeBelowHook = -1
        #expect { try s.validate() } throws: { "\($0)".contains("--freeze-below-hook -1") }
    }

    /// --detach-and-roll-ramp R: from the start step the strength rises 1/R, 2/R, …, 1 and the log records it.
    @Test func detachAndRollRampsIn() throws {
        var s = TinyTask.settings(steps: 6)
        s.detachAndRollFrom = 2
        s.detachAndRollRamp = 3
        #expect((0..<7).map { s.detachAndRollStrength(step: $0) } == [0, 0, 1.0 / 3, 2.0 / 3, 1, 1, 1])
        let r = try TinyTask.trainer(.injection, steps: 6, settings: s).run()
        #expect(r.log.map { $0.detach_and_roll == true } == [false, false, true, true, true, true])
        #expect(r.log.map { $0.detach_and_roll_strength ?? -1 }.map { ($0 * 3).rounded() } == [0, 0, 1, 2, 3, 3])
        s.detachAndRollRamp = 0
        #expect(s.detachAndRollStrength(step: 2) == 1 && s.detachAndRollStrength(step: 1) == 0)
        s.detachAndRollRamp = -1
        #expect { try s.validate() } throws: { "\($0)".contains("ramp -1") }
    }

    /// δ alone (α = β = γ = 0), read at residual k or at the hooked residual k+1 (with detach-and-roll
    /// acting there), as a cosine or a cross-entropy over the values: the adapter's gradient is finite
    /// differences of the δ term on the output coordinates, and zero on every other coordinate.
    @Test(arguments: [OutputEmphasisLayer.lastAligned, .hooked], OutputEmphasisLoss.allCases)
    func outputEmphasisGradientMatchesFiniteDifferences(_ at: OutputEmphasisLayer, _ form: OutputEmphasisLoss) throws {
        let t = try TinyTask.trainer(.injection, steps: 1)
        let o0 = t.objective
        let delta: Float = 2
        let o = Objective(method: .injection, student: o0.student, teacher: nil, adapter: o0.adapter, layers: o0.layers,
                          outputDims: o0.outputDims,
                          weights: LossWeights(alpha: 0, beta: 0, gamma: 0, outputEmphasis: delta, outputEmphasisAt: at,
                                               outputEmphasisLoss: form),
                          detachAndRoll: at == .hooked)
        let batch = try t.teacherModel!.batch(Array(TinyTask.records()[0..<9]), pad: TinyTask.pad, withTargets: true)
        let a = o.adapter, c = a.compiledWidth
        a.params.zeroGrad()
        let base = try o.step(task: batch, text: nil, textRows: 0, textLength: 0)
        #expect(base.output > 0 && base.total == delta * base.output)
        let grad = Array(UnsafeBufferPointer(start: a.params.grad(Adapter.biasName), count: c))   // before the probes add to it
        let outputs = Set(o.outputDims)
        for j in 0..<c where !outputs.contains(j) { #expect(grad[j] == 0, "bias \(j) is not an output coordinate") }
        for j in o.outputDims {
            let saved = a.bias[j], h: Float = 1e-2
            a.bias[j] = saved + h
            let up = try o.step(task: batch, text: nil, textRows: 0, textLength: 0).total
            a.bias[j] = saved - h
            let down = try o.step(task: batch, text: nil, textRows: 0, textLength: 0).total
            a.bias[j] = saved
            let numeric = (up - down) / (2 * h)
            #expect(abs(numeric - grad[j]) <= 2e-3 + 0.02 * abs(numeric), "bias \(j): analytic \(grad[j]), numeric \(numeric)")
        }
    }

    /// The softmax form of δ on hand-made rows: −log softmax(10·cos) at the one-hot's value; a row
    /// along its target is nearly free, a row along another value costs about 10 nats, a zero row
    /// log(values) with no gradient; and the gradient is orthogonal to the row (the loss depends on
    /// its direction only).
    @Test func cosineSoftmaxLossValues() {
        let r = 4
        let target: [Float] = [0, 0, 1, 0]
        func loss(_ a: [Float]) -> (Float, [Float]) {
            var d = [Float](repeating: 0, count: r)
            return (cosineSoftmaxLossForwardBackward(a: a, c: target, da: &d, n: 1, features: r, weight: 1), d)
        }
        let (right, dRight) = loss([0, 0, 3, 0])
        #expect(abs(Double(right) - log(1 + 3 * exp(-10.0))) < 1e-6)
        #expect(dRight[2] == 0 || abs(dRight[2]) < 1e-6)             // along the row: nothing to gain
        let (wrong, dWrong) = loss([3, 0, 0, 0])
        #expect(abs(Double(wrong) - (10 + log(1 + 3 * exp(-10.0)))) < 1e-5)
        #expect(dWrong[2] < 0 && dWrong[0] == 0)                      // raise the target; the row's own coordinate is radial
        let (zero, dZero) = loss([0, 0, 0, 0])
        #expect(abs(Double(zero) - log(4.0)) < 1e-6 && dZero.allSatisfy { $0 == 0 })
        let a: [Float] = [0.3, -1.2, 0.5, 2.0]
        let (_, d) = loss(a)
        #expect(abs(zip(a, d).reduce(Float(0)) { $0 + $1.0 * $1.1 }) < 1e-5)
    }

    /// The rolled validation accuracy is logged at validation steps for injection with detach-and-roll,
    /// and only then; with identical validation rows the roll exchanges identical complements, so it
    /// must equal the plain accuracy.
    @Test func rolledValidationAccuracyIsLoggedAndExactOnIdenticalRows() throws {
        let r = try TinyTask.trainer(.injection, steps: 2).run()
        #expect(r.log[0].validation_accuracy_rolled == nil)
        let rolled = try #require(r.log[1].validation_accuracy_rolled)
        #expect(rolled >= 0 && rolled <= 1)
        #expect(try TinyTask.trainer(.baseline, steps: 2).run().log.allSatisfy { $0.validation_accuracy_rolled == nil })

        let t = try TinyTask.trainer(.injection, steps: 1)
        let same = TrainingData(train: TinyTask.records(), validation: Array(repeating: TinyTask.records()[40], count: 18),
                                textRows: TinyTask.textRows(16), pad: TinyTask.pad)
        let u = try Trainer(settings: t.settings, objective: t.objective, compiled: t.teacherModel, data: same,
                            checkpointDir: nil, runID: "tiny-same")
        #expect(try u.rolledValidationAccuracy() == u.validationAccuracy())
    }

    /// The per-answer-token accuracy beside the exact match: logged at validation steps, one entry
    /// per answer position; every token right in an example ⇒ it counts for each position, so no
    /// position can be below the exact match, and on a one-token task they are equal.
    @Test func answerTokenAccuracyIsLoggedBesideTheExactMatch() throws {
        let t = try TinyTask.trainer(.injection, steps: 2)
        let r = try t.run()
        let line = r.log[1]
        let byToken = try #require(line.validation_token_accuracy)
        let rolled = try #require(line.validation_token_accuracy_rolled)
        let longest = TinyTask.records().prefix(18).map { $0.lmTokens.count - $0.promptTokens }.max()!
        #expect(byToken.count == longest && rolled.count == longest)
        let score = try t.validationScore()
        #expect(score.exact == r.curve.last!.accuracy && score.byToken == byToken)
        #expect(byToken.allSatisfy { $0 >= score.exact - 1e-12 && $0 <= 1 })
        #expect(r.log[0].validation_token_accuracy == nil)

        // By hand on three cases of one and two answer tokens.
        let records = Array(TinyTask.records()[0..<3])
        let a = try answerAccuracy(t.objective.student, records, pad: TinyTask.pad, batch: 2)
        let cases = records.map { AnswerCase(prompt: Array($0.lmTokens[..<$0.promptTokens]), answer: Array($0.lmTokens[$0.promptTokens...])) }
        let greedy = try greedyAnswers(t.objective.student, cases)
        let exact = zip(greedy, cases).filter { $0 == $1.answer }.count
        #expect(a.exact == Double(exact) / 3)
        for j in a.byToken.indices {
            let having = zip(greedy, cases).filter { $1.answer.count > j }
            let right = having.filter { g, c in g[j] == c.answer[j] && g[..<j] == c.answer[..<j] }.count
            // Teacher forcing reads the true prefix; greedy the generated one: they agree where the prefix is right.
            #expect(Double(right) / Double(having.count) <= a.byToken[j] + 1e-12)
        }
    }

    /// Warm-up: the factor rises 1/W, 2/W, …, 1 and stays; Adam's first update is sign-like, of size
    /// lr on every parameter, so with W = 4 the first step moves every parameter a quarter as far.
    @Test func warmupScalesTheFirstUpdates() throws {
        var s = TinyTask.settings(steps: 1)
        s.warmupSteps = 4
        #expect((0..<6).map { s.learningRateFactor(step: $0) } == [0.25, 0.5, 0.75, 1, 1, 1])
        s.warmupSteps = 0
        #expect(s.learningRateFactor(step: 0) == 1)
        func firstStepMovement(warmup: Int) throws -> [Float] {
            var settings = TinyTask.settings(steps: 1)
            settings.warmupSteps = warmup
            settings.weightDecay = 0
            let t = try TinyTask.trainer(.injection, steps: 1, settings: settings)
            let before = t.optimizer.groups.map { $0.store.values.array }
            _ = try t.run()
            return zip(before, t.optimizer.groups).map { b, g in zip(b, g.store.values.array).map { abs($1 - $0) }.max() ?? 0 }
        }
        let full = try firstStepMovement(warmup: 0), quarter = try firstStepMovement(warmup: 4)
        for (f, q) in zip(full, quarter) { #expect(f > 0 && abs(q / f - 0.25) < 0.01, "largest first-step movement \(q) vs \(f)") }
    }

    /// --lr-decay: after the warm-up the factor falls from 1 to the floor at the last update,
    /// linearly or along a half cosine; none keeps it at 1; the trainer applies it to both groups.
    @Test func learningRateDecaysToTheFloorAtTheLastStep() throws {
        var s = TinyTask.settings(steps: 6)
        s.warmupSteps = 2
        s.lrDecay = .linear
        let linear = (0..<6).map { s.learningRateFactor(step: $0) }
        #expect(linear[0] == 0.5 && linear[1] == 1)
        for (a, b) in zip(linear[1...], [1, 1, 2.0 / 3, 1.0 / 3, 0] as [Float]) { #expect(abs(a - b) < 1e-6, "\(linear)") }
        s.lrDecay = .cosine
        s.lrFloor = 0.1
        let cosine = (0..<6).map { s.learningRateFactor(step: $0) }
        #expect(abs(cosine[1] - 1) < 1e-6 && abs(cosine[5] - 0.1) < 1e-6 && abs(cosine[3] - 0.775) < 1e-6, "\(cosine)")
        #expect(zip(cosine[2...], cosine[3...]).allSatisfy { $0 > $1 })
        s.lrDecay = .none
        #expect((2..<6).allSatisfy { s.learningRateFactor(step: $0) == 1 })
        s.lrFloor = 1.5
        #expect { try s.validate() } throws: { "\($0)".contains("floor 1.5") }

        // The trainer's rates follow the factor: after the run each group sits at lr × factor(last step).
        var d = TinyTask.settings(steps: 3)
        d.lrDecay = .linear
        d.lrFloor = 0.2
        let t = try TinyTask.trainer(.injection, steps: 3, settings: d)
        _ = try t.run()
        for g in t.optimizer.groups {
            let base = g.name == "adapter" ? d.lrAdapter : d.lrModel
            #expect(abs(g.hyper.lr - base * 0.2) < 1e-9 * max(1, base), "\(g.name): \(g.hyper.lr)")
        }
    }

    /// --exclude-variables: each layer's cosine is the cosine over the other coordinates (checked
    /// against one computed by hand from the residuals), the excluded rows of the adapter get no
    /// gradient, and unknown labels or the output variable are refused with the labels there are.
    @Test func excludedVariablesLeaveTheCosine() throws {
        let model = try TinyTask.compiled()
        let excluded = try excludedDimensions(["indices"], of: model)
        #expect(excluded == model.variables.first { $0.label == "indices" }!.dims.sorted())
        #expect { try excludedDimensions([model.outputLabel], of: model) } throws: { "\($0)".contains("output variable") }
        #expect { try excludedDimensions(["nope"], of: model) } throws: { "\($0)".contains("no variable 'nope'") && "\($0)".contains("indices") }

        var s = TinyTask.settings(steps: 1)
        s.detachAndRoll = false
        s.loss = LossWeights(alpha: 0, beta: 1, gamma: 0)
        let t = try TinyTask.trainer(.injection, steps: 1, settings: s, excludedDims: excluded)
        let o = t.objective, c = o.adapter.compiledWidth, d = o.adapter.lmWidth
        let batch = try t.teacherModel!.batch(Array(TinyTask.records()[0..<9]), pad: TinyTask.pad, withTargets: true)
        t.optimizer.zeroGrad()
        let reported = try o.step(task: batch, text: nil, textRows: 0, textLength: 0).cosine
        let weightGrad = Array(UnsafeBufferPointer(start: o.adapter.params.grad(Adapter.weightName), count: c * d))
        for e in excluded { #expect(weightGrad[(e * d)..<((e + 1) * d)].allSatisfy { $0 == 0 }, "adapter row \(e) has a gradient") }
        #expect(weightGrad.contains { $0 != 0 })

        let byHand = try handCosines(o, batch, excluded: excluded)
        for i in 0...o.layers { #expect(abs(Double(reported[i]) - byHand[i]) < 1e-4, "layer \(i): reported \(reported[i]), by hand \(byHand[i])") }
    }

    /// Mean cosine per aligned layer computed by hand: the adapter on LM residual lmResiduals[i]
    /// against compiled residual i, over aligned positions, without the excluded coordinates.
    func handCosines(_ o: Objective, _ batch: TaskBatch, excluded: [Int] = []) throws -> [Double] {
        let c = o.adapter.compiledWidth
        let f = try o.student.forward(batch.tokens, batch: batch.b, seq: batch.t)
        let n = batch.b * batch.t, keep = (0..<c).filter { !excluded.contains($0) }
        var y = [Float](repeating: 0, count: n * c)
        return (0...o.layers).map { i in
            o.adapter.forward(&y, f.residual(o.lmResiduals[i]), n: n)
            var sum = 0.0, rows = 0
            for r in 0..<n where batch.aligned[r] {
                let a = keep.map { Double(y[r * c + $0]) }, b = keep.map { Double(batch.compiled[i][r * c + $0]) }
                let dot = zip(a, b).map(*).reduce(0, +)
                let norms = (a.map { $0 * $0 }.reduce(0, +).squareRoot(), b.map { $0 * $0 }.reduce(0, +).squareRoot())
                sum += dot / (max(norms.0, 1e-8) * max(norms.1, 1e-8)); rows += 1
            }
            return sum / Double(rows)
        }
    }

    /// --layer-stride S: compiled residual i ↔ LM residual round(i·S); the cosines are read there, the
    /// hook sits after the last one, and the adapter file carries the residuals (and only then).
    @Test func layerStrideAlignsSpreadResiduals() throws {
        var s = TinyTask.settings(steps: 2)
        s.layerStride = .fixed(1.5)
        #expect(s.alignedResiduals(compiledLayers: 4, lmBlocks: 30) == [0, 2, 3, 5, 6])
        s.layerStride = .auto
        #expect(s.alignedResiduals(compiledLayers: 7, lmBlocks: 30).last == 14)     // Dyck on SmolLM2: S = 2
        #expect(s.alignedResiduals(compiledLayers: 13, lmBlocks: 30).last == 26)    // count: S = 2
        #expect(s.alignedResiduals(compiledLayers: 21, lmBlocks: 30).last == 26)    // sum: S = 26/21
        #expect(s.alignedResiduals(compiledLayers: 2, lmBlocks: 3) == [0, 1, 2])    // too shallow: S = 1
        #expect(try LayerStride(argument: "auto") == .auto && LayerStride(argument: "1.25") == .fixed(1.25))
        #expect(throws: InjectionError.self) { try LayerStride(argument: "0.5") }
        s.layerStride = .fixed(2)
        let t = try TinyTask.trainer(.injection, steps: 2, settings: s, lmBlocks: 5)
        let o = t.objective
        #expect(o.lmResiduals == (0...o.layers).map { 2 * $0 } && o.hookBlock == 2 * o.layers)
        let batch = try t.teacherModel!.batch(Array(TinyTask.records()[0..<9]), pad: TinyTask.pad, withTargets: true)
        t.optimizer.zeroGrad()
        var noRoll = s
        noRoll.detachAndRoll = false
        let plain = try TinyTask.trainer(.injection, steps: 2, settings: noRoll, lmBlocks: 5)
        plain.optimizer.zeroGrad()
        let reported = try plain.objective.step(task: batch, text: nil, textRows: 0, textLength: 0).cosine
        let byHand = try handCosines(plain.objective, batch)
        for i in 0...o.layers { #expect(abs(Double(reported[i]) - byHand[i]) < 1e-4, "layer \(i): reported \(reported[i]), by hand \(byHand[i])") }
        let r = try t.run()
        #expect(r.stepsDone == 2 && r.log.allSatisfy { $0.detach_and_roll == true })

        let info = AdapterInfo(layers: o.layers, outputDims: o.outputDims, residuals: o.lmResiduals)
        let back = try AdapterFile.decode(try AdapterFile.encode(o.adapter, info: info), source: "a.safetensors").info
        #expect(back.residuals == o.lmResiduals && back.hookBlock == 2 * o.layers)
        let identity = AdapterInfo(layers: o.layers, outputDims: o.outputDims)
        let bytes = try AdapterFile.encode(o.adapter, info: identity)
        #expect(try SafeTensorsBundle(bytes: bytes).metadata["residuals"] == nil)
        s.layerStride = .fixed(0.5)
        #expect { try s.validate() } throws: { "\($0)".contains("layer stride 0.5") }
    }

    /// --layer-stride 0,1,3,…: the k+1 LM residuals given one by one are used as given (cosines,
    /// hook, adapter file); malformed lists are refused where the flag is parsed, with the rule broken.
    @Test func explicitLayerResidualsAreUsedAsGiven() throws {
        #expect(try LayerStride(argument: "0,2,8,10") == .residuals([0, 2, 8, 10]))
        #expect(try LayerStride(argument: " 0, 3 ,4") == .residuals([0, 3, 4]))
        #expect { try LayerStride(argument: "0,2,2") } throws: { "\($0)".contains("strictly increase") }
        #expect { try LayerStride(argument: "0,x,4") } throws: { "\($0)".contains("integers") }
        #expect { try LayerStride(argument: "-1,2") } throws: { "\($0)".contains("start at 0") }
        #expect { try LayerStride(argument: "0,,2") } throws: { "\($0)".contains("integers") }
        #expect(alignedResidualsProblem([0, 1, 4], layers: 2, lmBlocks: 5) == nil)
        #expect(alignedResidualsProblem([0, 1, 4], layers: 2, lmBlocks: 4)?.contains("at least 5 blocks, and this one has 4") == true)
        #expect(alignedResidualsProblem([0, 1], layers: 2, lmBlocks: nil)?.contains("2 LM residuals for 3") == true)

        let k = try TinyTask.compiled().layers.count
        var s = TinyTask.settings(steps: 2)
        let given = [0] + (1...k).map { 2 * $0 + 1 }                   // unequal gaps: 0, 3, 5, …
        s.layerStride = try LayerStride(argument: given.map(String.init).joined(separator: ","))
        #expect(s.alignedResiduals(compiledLayers: k, lmBlocks: 30) == given)
        let t = try TinyTask.trainer(.injection, steps: 2, settings: s, lmBlocks: given.last! + 1)
        #expect(t.objective.lmResiduals == given && t.objective.hookBlock == given.last!)
        let r = try t.run()
        #expect(r.stepsDone == 2 && r.log.allSatisfy { $0.detach_and_roll == true })
        let info = AdapterInfo(layers: k, outputDims: t.objective.outputDims, residuals: given)
        #expect(try AdapterFile.decode(try AdapterFile.encode(t.objective.adapter, info: info), source: "a").info.residuals == given)
        // A summary records the flag's text and reads it back.
        let json = try JSONEncoder().encode(s.layerStride)
        #expect(String(decoding: json, as: UTF8.self) == "\"" + given.map(String.init).joined(separator: ",") + "\"")
        #expect(try JSONDecoder().decode(LayerStride.self, from: json) == s.layerStride)
    }

    @Test func badLeverValuesAreRefusedTogether() {
        var s = TinyTask.settings(steps: 1)
        s.warmupSteps = -3
        s.detachAndRollFrom = -1
        s.loss.outputEmphasis = -2
        s.adapterInit = .leastSquares
        s.adapterInitExamples = 0
        #expect {
            try s.validate()
        } throws: { error in
            let m = "\(error)"
            return m.contains("detach-and-roll start step -1") && m.contains("output emphasis -2") && m.contains("warm-up steps -3") && m.contains("adapter-init examples 0")
        }
    }
}
