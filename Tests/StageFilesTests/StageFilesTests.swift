// The shared stage-file types: Part's {"not_run": reason} form, JSONValue inside a Codable type,
// and canonical bytes that decode back to the same value.
import Foundation
import JSONText
import StageFiles
import Testing

@Suite struct StageFilesTests {
    @Test func partEncodesAValueOrItsReason() throws {
        let done: Part<Fraction> = .value(Fraction(correct: 1, total: 4, value: 0.25))
        let skipped: Part<Fraction> = .notRun("no --sst2 file given")
        #expect(try canonicalJSON(done) == ["correct": 1, "total": 4, "value": 0.25])
        #expect(try canonicalJSON(skipped) == ["not_run": "no --sst2 file given"])
        for p in [done, skipped] {
            #expect(try JSONDecoder().decode(Part<Fraction>.self, from: JSONEncoder().encode(p)) == p)
        }
    }

    @Test func jsonValueRoundTripsInsideCodable() throws {
        let v: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": -7], "seed": .int(Int64.max)]
        let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(v))
        #expect(back == v, "integers stay exact (Int64.max), doubles stay doubles, null and booleans survive")
    }

    @Test func distillSummaryBytesDecodeBack() throws {
        let s = DistillSummary(
            task: "count", method: "injection", profile: "default", steps: 2, settings: ["steps": 2, "lrDecay": "cosine"],
            alg_normalization: "sum", examples: DistillExamples(train: 10, validation: 2, text_rows: 5, task_epochs: 0.8),
            final: FinalLosses(loss: 1.5, ce: 1, alg: 0.25, kl: 0.25), cosine_per_layer: [0.5, 0.75],
            validation_accuracy_curve: [AccuracyPoint(step: 2, accuracy: 0.5)], validation_accuracy_rolled_curve: [],
            adapter_init: nil, wall_seconds: 3, train_seconds: 2, seconds_per_step: 1, tokens_per_second: 100,
            peak_rss_bytes: 1 << 30, threads: 2, blas: BLASChoice(cpu: "cpu", core: "Zen", reason: "r", precision: "bf16", precision_reason: "p"), seconds_per_phase: ["task forward": 0.5])
        let bytes = try s.encoded()
        #expect(try readStageFile(DistillSummary.self, from: Data(bytes), path: "s", what: "summary") == s)
        let v = try parseJSON(bytes: bytes)
        #expect(v["format"] == "graft-distill-summary" && v["validation_accuracy_curve"] == [["step": 2, "accuracy": 0.5]])
        #expect(v["adapter_init"] == nil, "nil optionals are left out")
        #expect(bytes == (try CanonicalJSON.pretty(v)), "canonical")
        #expect { try readStageFile(DistillSummary.self, from: Data("{}".utf8), path: "x/summary.json", what: "distill summary.json") }
            throws: { "\($0)".contains("x/summary.json") && "\($0)".contains("rerun the stage") }
    }
}
