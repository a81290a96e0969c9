// `--init-weights`: the student starts from a graft weights file of the base model's architecture;
// another architecture is refused with both configs named.
import Foundation
import LM
import Tasks
import Testing
@testable import Injection

@Suite struct InitWeightsTests {
    @Test func startsFromTheFileAndRefusesAnotherArchitecture() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graft-init-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = try TransformerLM(randomlyInitialized: TinyTask.config, seed: 3)
        let tuned = try TransformerLM(randomlyInitialized: TinyTask.config, seed: 4)
        let path = dir + "/tuned.safetensors"
        try WeightsFile.write(tuned, to: path)
        let start = try startingWeights(path, base: base)
        #expect(start.params.values.pointer != tuned.params.values.pointer)
        #expect(Array(UnsafeBufferPointer(start: start.params.values.pointer, count: start.params.values.count))
                == Array(UnsafeBufferPointer(start: tuned.params.values.pointer, count: tuned.params.values.count)))
        #expect(Array(UnsafeBufferPointer(start: start.params.values.pointer, count: 64))
                != Array(UnsafeBufferPointer(start: base.params.values.pointer, count: 64)))

        var deeper = TinyTask.config
        deeper.nLayers = 4
        let other = try TransformerLM(randomlyInitialized: deeper, seed: 4)
        let otherPath = dir + "/other.safetensors"
        try WeightsFile.write(other, to: otherPath)
        let error = #expect(throws: InjectionError.self) { try startingWeights(otherPath, base: base) }
        #expect(error?.description.contains("4 blocks") == true && error?.description.contains("(3, 32, 12)") == true)
        #expect(throws: (any Error).self) { try startingWeights(dir + "/missing.safetensors", base: base) }

        // The start weights' digest, as the summary records it (Tasks' sha256Hex): SHA-256 of "abc".
        try Data("abc".utf8).write(to: URL(fileURLWithPath: dir + "/abc"))
        #expect(try sha256Hex(ofFile: dir + "/abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // The run's identity follows the start weights' digest (a checkpoint of another start is refused).
        let job = { (w: String?) in DistillJob(task: .count, method: .injection, profile: "smoke", settings: TinyTask.settings(steps: 1),
                                               model: "default", root: ".", compiled: path, train: path, documents: path, outWeights: "",
                                               outAdapter: "", outLog: "", outSummary: "", checkpointDir: nil, initWeights: w) }
        let plain = try runIdentity(job(nil))
        let a = try runIdentity(job(path), initWeightsSHA: "aa"), b = try runIdentity(job(path), initWeightsSHA: "bb")
        let again = try runIdentity(job(nil))
        #expect(a != b && a != plain && plain == again)
    }
}

/// `--output-rows unembedding`: each output value's row turns to the readout direction of the token
/// that answers it (TinyTask: count c ↔ token 2 + c), keeping its norm; a value never answered keeps its row.
@Suite struct UnembeddingRowsTests {
    @Test func rowsFollowTheAnswerTokensReadout() throws {
        let t = try TinyTask.trainer(.injection, steps: 1)
        let o = t.objective, adapter = o.adapter, d = adapter.lmWidth
        let before = adapter.rows(o.outputDims)
        let u = try setOutputRowsToUnembedding(adapter, model: o.student, teacher: t.teacherModel!, records: TinyTask.records(),
                                               pad: TinyTask.pad, layers: o.layers, outputDims: o.outputDims, batch: 9)
        let labels = o.outputDims.map { t.teacherModel!.model.residualLabels[$0] }
        #expect(u.agreement == 1 && u.positions == 81)
        let after = adapter.rows(o.outputDims)
        for (r, label) in labels.enumerated() {
            let old = Array(before[(r * d)..<((r + 1) * d)]), new = Array(after[(r * d)..<((r + 1) * d)])
            let norm = { (v: [Float]) in v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() }
            guard let value = Int(label.split(separator: ":").last ?? ""), (1...4).contains(value) else {
                #expect(u.tokens[r] == nil && new == old, "\(label) is never an answer: its row stays")
                continue
            }
            #expect(u.tokens[r] == 2 + value, "\(label)")
            let dir = o.student.readoutDirection(token: 2 + value)
            let cos = zip(new, dir).reduce(Float(0)) { $0 + $1.0 * $1.1 } / (norm(new) * norm(dir))
            #expect(cos > 0.9999, "\(label): cos \(cos)")
            #expect(abs(norm(new) - norm(old)) <= 1e-4 * norm(old))
        }
    }
}
