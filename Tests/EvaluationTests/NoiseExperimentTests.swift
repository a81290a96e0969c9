// The noise experiment on a tiny model with a random adapter for the real compiled shuffle-Dyck
// model: adapter checks, the mean residual norm, the sweep's points (norm 0 shared and equal to
// plain scoring, relative norms = multiple × mean), determinism, and that large noise hurts.
import Foundation
import Testing
import Compiler
import Injection
import LM
@testable import Evaluation

@Suite struct NoiseExperimentTests {
    static let compiled: CompiledModel = {
        let path = repoRoot + "/stages/programs/shuffle_dyck.rasp"
        let source = try! String(contentsOfFile: path, encoding: .utf8)
        return try! compile(source: source, file: path, vocab: ["(", ")", "[", "]", "{", "}", " ", "compute"], maxSeqLen: 40, causal: true)
    }()

    func adapter(_ d: Int = 16) -> (Adapter, AdapterInfo) {
        let c = Self.compiled
        return (Adapter(lmWidth: d, compiledWidth: c.width, seed: 5), AdapterInfo(layers: 1, outputDims: c.output.dims))
    }

    @Test func adapterMustFitTheCompiledModelAndTheLM() throws {
        let (a, info) = adapter()
        try checkAdapter(a, info, compiled: Self.compiled, lmWidth: 16, lmBlocks: 3, adapterPath: "a", compiledPath: "c")
        var bad = info
        bad.outputDims = [0, 1]
        bad.layers = 3
        do {
            try checkAdapter(Adapter(lmWidth: 8, compiledWidth: 5), bad, compiled: Self.compiled, lmWidth: 16, lmBlocks: 3,
                             adapterPath: "adapter.safetensors", compiledPath: "model.safetensors")
            Issue.record("a mismatched adapter was accepted")
        } catch let e as EvaluationInputError {
            for part in ["adapter.safetensors", "maps to 5 dimensions", "reads 8 dimensions", "output_dims [0, 1]", "layers = 3"] {
                #expect(e.description.contains(part), "\(part) missing from: \(e.description)")
            }
        }
    }

    @Test func meanResidualNormIsTheMeanOverRealPositionsAfterTheFirst() throws {
        let m = try Tiny.model(scale: 2)
        let seqs = [Tiny.tokens(3, seed: 1), Tiny.tokens(5, seed: 2)]
        let mean = try meanResidualNorm(m, seqs, block: 1, shape: BatchShape(), pad: 0)
        var norms: [Double] = []
        for s in seqs {
            let out = try m.forward(s, batch: 1, seq: s.count, options: ForwardOptions(computeLogits: false))
            for t in 1..<s.count {
                norms.append((0..<16).reduce(0.0) { $0 + Double(out.residual(2)[t * 16 + $1] * out.residual(2)[t * 16 + $1]) }.squareRoot())
            }
        }
        #expect(abs(mean - norms.reduce(0, +) / 6) < 1e-4 * mean)
    }

    @Test func sweepPointsDeterminismAndEffect() throws {
        let m = try Tiny.model()
        let (a, info) = adapter()
        let prompts = (0..<8).map { Tiny.tokens(3 + $0 % 4, seed: UInt64(20 + $0)) }
        let cases = try prompts.map { AnswerCase(prompt: $0, answer: try m.generateGreedy(prompt: $0, maxNewTokens: 2)) }
        let settings = NoiseSettings(absoluteNorms: [0, 1000], relativeMultiples: [0.5, 50], seed: 9)
        #expect(noiseRuns(settings) == 3 * 3 + 1)
        let result = try noiseExperiment(m, cases, adapter: a, info: info, settings: settings, pad: 0)
        #expect(result.block == 1 && result.dimension == info.outputDims.count)
        #expect(result.points.count == 12)
        #expect(result.points.map(\.subspace) == NoiseSubspace.allCases.flatMap { Array(repeating: $0, count: 4) })
        for p in result.points where p.norm == 0 { #expect(p.accuracy == Accuracy(correct: 8, total: 8)) }
        for p in result.points where p.relative {
            #expect(p.norm == p.multiple! * result.meanResidualNorm)
        }
        let huge = result.points.filter { $0.norm == 1000 }
        #expect(huge.allSatisfy { $0.accuracy.correct < 8 }, "noise of norm 1000 left every answer intact")
        #expect(try noiseExperiment(m, cases, adapter: a, info: info, settings: settings, pad: 0) == result)
    }
}
