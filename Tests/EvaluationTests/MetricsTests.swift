// metrics.json: the schema's keys, {"not_run": reason} for parts not run, plain numbers, and
// canonical bytes (sorted keys, no whitespace), so the same metrics give the same bytes.
import JSONText
import Testing
import Artifacts
import Foundation
import StageFiles
@testable import Evaluation

@Suite struct MetricsTests {
    static let sample = EvaluationMetrics(
        task: "dyck", method: "injection", profile: "smoke", modelSpec: "default", weightsSHA256: "ab12",
        accuracy: Accuracy(correct: 3, total: 4),
        ood: .value(["length_ood": Accuracy(correct: 1, total: 2), "almost_balanced": Accuracy(correct: 0, total: 2)]),
        perplexity: .value(perplexity(perLine: [(ce: 2, count: 2)])), sst2: .notRun("switched off (--no-sst2)"),
        mrpc: .value(Accuracy(correct: 1, total: 1)), lambada: .value(Accuracy(correct: 0, total: 3)),
        noise: .value(NoiseResult(block: 7, dimension: 2, meanResidualNorm: 12.5, points: [
            NoisePoint(subspace: .answer, norm: 0, relative: false, multiple: nil, accuracy: Accuracy(correct: 3, total: 4)),
            NoisePoint(subspace: .uniform, norm: 6.25, relative: true, multiple: 0.5, accuracy: Accuracy(correct: 2, total: 4)),
        ])))

    @Test func schemaKeysAndNotRun() throws {
        let v = try parseJSON(bytes: try Self.sample.encoded())
        #expect(v["format"] == "graft-evaluation" && v["version"] == 1)
        #expect(v["task"] == "dyck" && v["method"] == "injection" && v["profile"] == "smoke")
        #expect(v["model"] == ["spec": "default", "weights_sha256": "ab12"])
        #expect(v["accuracy"] == ["correct": 3, "total": 4, "value": 0.75])
        #expect(v["ood"]?["length_ood"] == ["correct": 1, "total": 2, "value": 0.5])
        #expect(v["sst2"] == ["not_run": "switched off (--no-sst2)"])
        #expect(v["perplexity"]?["lines"] == 1 && v["perplexity"]?["tokens"] == 2)
        #expect(v["perplexity"]?["mean_per_line"]?.doubleValue == v["perplexity"]?["token_weighted"]?.doubleValue)
        #expect(v["noise"]?["block"] == 7 && v["noise"]?["mean_residual_norm"] == 12.5)
        let points = v["noise"]?["points"]?.arrayValue ?? []
        #expect(points.count == 2)
        #expect(points.first == ["subspace": "answer", "norm": 0, "relative": false, "accuracy": ["correct": 3, "total": 4, "value": 0.75]])
        #expect(points.last?["multiple"] == 0.5 && points.last?["relative"] == true)
        #expect(v["wall_seconds"] == nil, "wall times belong in the timing file")
    }

    @Test func bytesAreCanonical() throws {
        let bytes = try Self.sample.encoded()
        #expect(bytes == (try CanonicalJSON.encode(try parseJSON(bytes: bytes))))
        #expect(bytes == (try Self.sample.encoded()))
        var base = Self.sample
        base.weightsSHA256 = nil
        #expect(try parseJSON(bytes: try base.encoded())["model"]?["weights_sha256"] == nil, "absent, not null")
    }

    /// The report's reader (StageFiles' type, decoded) gets back exactly what evaluate wrote.
    @Test func theReaderReadsWhatTheWriterWrote() throws {
        let bytes = try Self.sample.encoded()
        let read = try readStageFile(EvaluationFile.self, from: Data(bytes), path: "metrics.json", what: "evaluate metrics.json")
        #expect(read == Self.sample.file)
        #expect(read.noise.value?.points.last?.multiple == 0.5 && read.sst2 == .notRun("switched off (--no-sst2)"))
        var t = EvaluationTiming()
        t.seconds = ["accuracy": 1.5]
        #expect(try readStageFile(EvaluationTimingFile.self, from: Data(try t.encoded()), path: "t", what: "timing") == t.file)
    }

    @Test func timingFileHasItsOwnFormat() throws {
        var t = EvaluationTiming()
        t.seconds = ["accuracy": 1.23456, "total": 2]
        t.tokens = ["accuracy": 100]
        let v = try parseJSON(bytes: try t.encoded())
        #expect(v["format"] == "graft-evaluation-timing")
        #expect(v["wall_seconds"]?["accuracy"] == 1.235)
        #expect(v["tokens"]?["accuracy"] == 100)
    }
}
