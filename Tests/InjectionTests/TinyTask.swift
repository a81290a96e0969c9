// A tiny injection problem shared by the tests: tracr's `hist` compiled for 4 positions over
// {a, b, c}, a tiny GPT-2-family LM (absolute positions, so the compiled embedding layer is
// reachable), and all 81 prompts "x1 x2 x3 x4" answered by the count of x4 in the prompt.
import Compiler
import Engine
import LM
import Tensor
@testable import Injection

enum TinyTask {
    static let letters = ["a", "b", "c"]
    // LM vocabulary: 0–2 letters, 3–6 answers "1"…"4", 7 pad, 8–11 other text tokens.
    static let pad: Int32 = 7
    static let config = ModelConfig(family: .gpt2, vocabSize: 12, contextLength: 8, dModel: 32, nLayers: 3, nHeads: 4,
                                    nKVHeads: 4, dFF: 64, normEps: 1e-5, tiedEmbeddings: true)

    static func compiled() throws -> CompiledModel {
        try compile(source: "output SelectorWidth(Select(tokens, tokens, EQ).named(\"same_tok\")).named(\"hist\")\n",
                    file: "hist.rasp", vocab: letters, maxSeqLen: 4, causal: true, mlpExactness: 10000)
    }

    static func records() -> [TaskRecord] {
        var out: [TaskRecord] = []
        for i in 0..<81 {
            let xs = [i % 3, (i / 3) % 3, (i / 9) % 3, i / 27]
            let count = xs.filter { $0 == xs[3] }.count
            out.append(TaskRecord(lmTokens: xs.map(Int32.init) + [Int32(2 + count)], promptTokens: 4,
                                  compiledTokens: xs.map { letters[$0] }, lmToCompiled: [1, 2, 3, 4, -1]))
        }
        return out
    }

    static func textRows(_ n: Int) -> [[Int32]] {
        var rows: [[Int32]] = []
        for r in 0..<n {
            var row: [Int32] = []
            for j in 0..<6 { row.append(Int32(8 + (r * 7 + j * 3) % 4)) }
            rows.append(row)
        }
        return rows
    }

    static func settings(steps: Int) -> DistillSettings {
        DistillSettings(steps: steps, taskBatch: 9, textBatch: 2, textTokens: 6, lrModel: 3e-3, lrAdapter: 1e-2,
                        weightDecay: 0, loss: LossWeights(gamma: 0.1), detachAndRoll: true, checkpointEvery: 1000,
                        validationExamples: 0, validateEvery: 1000, seed: 7)
    }

    static func trainer(_ method: Method, steps: Int, checkpointDir: String? = nil, settings s: DistillSettings? = nil,
                        excludedDims: [Int] = [], lmBlocks: Int = 3) throws -> Trainer {
        let model = try compiled()
        var config = config
        config.nLayers = lmBlocks
        let student = try TransformerLM(randomlyInitialized: config, seed: 3)
        let adapter = Adapter(lmWidth: config.dModel, compiledWidth: model.width, seed: 5)
        let s = s ?? settings(steps: steps)
        let objective = Objective(method: method, student: student, teacher: student.copy(), adapter: adapter,
                                  layers: model.layers.count, outputDims: model.output.dims, weights: s.loss, detachAndRoll: s.detachAndRoll,
                                  excludedDims: excludedDims, lmResiduals: s.alignedResiduals(compiledLayers: model.layers.count, lmBlocks: lmBlocks))
        let data = TrainingData(train: records(), validation: Array(records().prefix(18)), textRows: textRows(16), pad: pad)
        let t = try Trainer(settings: s, objective: objective, compiled: CompiledTeacher(model), data: data,
                            checkpointDir: checkpointDir, runID: "tiny-\(method.rawValue)")
        t.progress = false
        return t
    }
}
