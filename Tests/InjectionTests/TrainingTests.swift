// The loop: same seed → identical parameters and log; a run resumed from a checkpoint ends with
// the same bytes as one run straight through; a non-finite loss stops the run with a clear error
// before the bad step is applied, and the last good checkpoint stays as it was.
import JSONText
import StageFiles
import Testing
import Foundation
import Artifacts
import Support
import Tensor
@testable import Injection
import TestSupport

@Suite struct TrainingTests {
    func bytes(_ log: [DistillLogLine]) throws -> [[UInt8]] { try log.map { try $0.encoded() } }

    func fingerprint(_ t: Trainer) -> [UInt32] {
        (t.objective.student.params.values.array + t.objective.adapter.params.values.array).map(\.bitPattern)
    }

    @Test func sameSeedSameBytes() throws {
        let a = try TinyTask.trainer(.injection, steps: 5), b = try TinyTask.trainer(.injection, steps: 5)
        let ra = try a.run(), rb = try b.run()
        #expect(fingerprint(a) == fingerprint(b))
        #expect(try bytes(ra.log) == bytes(rb.log))
        var s = TinyTask.settings(steps: 5)
        s.seed = 8
        let c = try TinyTask.trainer(.injection, steps: 5, settings: s)
        _ = try c.run()
        #expect(fingerprint(c) != fingerprint(a))
    }

    /// bf16 products (issue 15) train the tiny task like fp32: the loss falls as far (within 10 % of
    /// fp32's first-to-last fall at every step from the 10th on), and a bf16 run is itself deterministic.
    @Test(.enabled(if: Precision.bf16Available, "oneDNN refuses bf16 on this CPU"))
    func bf16TrainsLikeFP32() throws {
        let steps = 40
        func losses(_ p: MatmulPrecision) throws -> (curve: [Double], print: [UInt32]) {
            try Precision.scoped(p) {
                let t = try TinyTask.trainer(.injection, steps: steps)
                let r = try t.run()
                return (r.log.map { Double($0.loss) }, fingerprint(t))
            }
        }
        let f = try losses(.fp32), h = try losses(.bf16), h2 = try losses(.bf16)
        #expect(h.print == h2.print, "two bf16 runs differ")
        #expect(h.print != f.print, "bf16 and fp32 runs are identical: the bf16 path was not taken")
        let fall = f.curve[0] - f.curve.suffix(5).reduce(0, +) / 5
        #expect(fall > 0, "the fp32 run did not learn (loss \(f.curve[0]) → \(f.curve.last!))")
        for s in 10..<steps {
            #expect(abs(h.curve[s] - f.curve[s]) <= 0.1 * fall, "step \(s): bf16 loss \(h.curve[s]), fp32 \(f.curve[s])")
        }
    }

    @Test func resumeIsBitExact() throws {
        for method in Method.allCases {
            var s = TinyTask.settings(steps: 8)
            s.checkpointEvery = 3
            s.validateEvery = 2             // the curve (steps 2, 4, 6, 8) is rebuilt from the log on resume
            let straight = try TinyTask.trainer(method, steps: 8, settings: s)
            let rs = try straight.run()
            let dir = try makeTemporaryDirectory("injection")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // "crash" after step 5: the run of 5 steps leaves the checkpoint of step 3; steps 4–5 are redone
            var first = s; first.steps = 5
            _ = try TinyTask.trainer(method, steps: 5, checkpointDir: dir, settings: first).run()
            // a writer killed mid-checkpoint leaves only its temporary; the resumed run removes it
            let partial = dir + "/.tmp-checkpoint.safetensors-99999-1"
            try Data(repeating: 0, count: 4096).write(to: URL(fileURLWithPath: partial))
            // the log grows by appends: the checkpoint of step 3 counts 3 lines; a line appended by a
            // run killed before its next checkpoint could land is cut off on resume
            let logPath = dir + "/log.jsonl"
            #expect(try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").count == 3)
            let extra = try rs.log[3].encoded() + [10] + Array(try rs.log[4].encoded().prefix(20))   // a torn last line
            try appendToFile(logPath, bytes: extra)
            let resumed = try TinyTask.trainer(method, steps: 8, checkpointDir: dir, settings: s)
            let rr = try resumed.run()
            #expect(!FileManager.default.fileExists(atPath: partial))
            #expect(fingerprint(resumed) == fingerprint(straight), "\(method)")
            #expect(try bytes(rr.log) == bytes(rs.log), "\(method)")
            #expect(rr.curve.map(\.step) == rs.curve.map(\.step) && rr.curve.map(\.accuracy) == rs.curve.map(\.accuracy), "\(method)")
            #expect(rs.curve.map(\.step) == [2, 4, 6, 8])
            #expect(rr.stepsDone == 8)
            // on disk: the lines of the checkpoints at steps 3 and 6, the torn tail gone
            let disk = try bytes(Array(rs.log[..<6])).map { $0 + [10] }.joined()
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: logPath))) == Array(disk), "\(method)")
        }
    }

    @Test func checkpointOfAnotherRunIsRefused() throws {
        let dir = try makeTemporaryDirectory("injection")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = TinyTask.settings(steps: 2)
        s.checkpointEvery = 1
        _ = try TinyTask.trainer(.injection, steps: 2, checkpointDir: dir, settings: s).run()
        let other = try TinyTask.trainer(.baseline, steps: 2, checkpointDir: dir, settings: s)
        #expect(throws: (any Error).self) { _ = try other.run() }
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        let dir = try makeTemporaryDirectory("injection")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = TinyTask.settings(steps: 2)
        s.checkpointEvery = 1
        _ = try TinyTask.trainer(.injection, steps: 2, checkpointDir: dir, settings: s).run()
        let path = dir + "/checkpoint.safetensors"
        let good = FileManager.default.contents(atPath: path)
        #expect(good != nil)
        var bad = s
        bad.steps = 4
        bad.loss.gamma = .nan
        let t = try TinyTask.trainer(.injection, steps: 4, checkpointDir: dir, settings: bad)
        do {
            _ = try t.run()
            Issue.record("a NaN loss did not stop the run")
        } catch let e as NonFiniteLossError {
            #expect(e.description.contains("step 3"))
            #expect(e.description.contains("checkpoint"))
        }
        #expect(FileManager.default.contents(atPath: path) == good)
        #expect(t.objective.student.params.values.array.allSatisfy { $0.isFinite })
    }
}

/// `--task-batches same-length`: each step's rows share one token length, an epoch uses every
/// length's full batches once (Σ ⌊rows of length L / B⌋ of them, no row twice), the order is seeded,
/// and a data set with no length of B rows is refused with the counts per length.
@Suite struct SameLengthBatchTests {
    /// TinyTask's 81 rows, a third of them one token longer (a second answer token).
    static func mixedData() -> TrainingData {
        let rows = TinyTask.records().enumerated().map { i, r -> TaskRecord in
            guard i % 3 == 0 else { return r }
            var r = r
            r.lmTokens.append(TinyTask.pad - 1)
            r.lmToCompiled.append(-1)
            return r
        }
        return TrainingData(train: rows, validation: [], textRows: TinyTask.textRows(16), pad: TinyTask.pad)
    }

    static func trainer(_ data: TrainingData, batch: Int, batching: TaskBatching, seed: UInt64 = 7) throws -> Trainer {
        var s = TinyTask.settings(steps: 40)
        s.taskBatch = batch; s.taskBatches = batching; s.seed = seed
        let t = try TinyTask.trainer(.injection, steps: 40, settings: s)
        return try Trainer(settings: s, objective: t.objective, compiled: t.teacherModel, data: data,
                           checkpointDir: nil, runID: "tiny-same-length")
    }

    @Test func everyBatchHasOneLengthAndAnEpochUsesEachRowOnce() throws {
        let data = Self.mixedData()
        let t = try Self.trainer(data, batch: 4, batching: .sameLength)
        // 27 rows of length 6 → 6 batches (3 sit out), 54 of length 5 → 13 batches (2 sit out).
        #expect(t.sameLengthBatchesPerEpoch == 6 + 13)
        var epoch: [Int] = []
        for step in 0..<19 {
            let rows = t.taskIndices(step: step)
            #expect(rows.count == 4)
            #expect(Set(rows.map { data.train[$0].lmTokens.count }).count == 1, "step \(step): lengths \(rows.map { data.train[$0].lmTokens.count })")
            epoch += rows
        }
        #expect(Set(epoch).count == epoch.count, "a row twice in one epoch")
        #expect(epoch.count == 76)
        // The next epoch is another permutation, with the same number of batches.
        let next = (19..<38).flatMap { t.taskIndices(step: $0) }
        #expect(next.count == 76 && Set(next).count == 76 && next != epoch)
        // Seeded: the same seed gives the same order, another seed another one; the shuffled order mixes lengths.
        let again = try Self.trainer(data, batch: 4, batching: .sameLength)
        #expect((0..<19).flatMap { again.taskIndices(step: $0) } == epoch)
        let other = try Self.trainer(data, batch: 4, batching: .sameLength, seed: 8)
        #expect((0..<19).flatMap { other.taskIndices(step: $0) } != epoch)
        let shuffled = try Self.trainer(data, batch: 4, batching: .shuffled)
        #expect((0..<19).contains { Set(shuffled.taskIndices(step: $0).map { data.train[$0].lmTokens.count }).count > 1 })
    }

    @Test func aDataSetWithoutAFullBatchOfOneLengthIsRefused() throws {
        var rows = TinyTask.records()
        rows = (0..<6).map { i in var r = rows[i]; r.lmTokens += [Int32](repeating: 8, count: i); r.lmToCompiled += [Int](repeating: -1, count: i); return r }
        let data = TrainingData(train: rows, validation: [], textRows: TinyTask.textRows(16), pad: TinyTask.pad)
        let error = #expect(throws: InjectionError.self) { try Self.trainer(data, batch: 2, batching: .sameLength) }
        #expect(error?.description.contains("no token length has 2 training rows") == true)
        #expect(error?.description.contains("5: 1, 6: 1") == true)
        #expect(throws: Never.self) { try Self.trainer(data, batch: 2, batching: .shuffled) }
    }

    /// A run with it trains (the loss falls) and is bit-identical twice.
    @Test func trainsAndIsDeterministic() throws {
        var s = TinyTask.settings(steps: 30)
        s.taskBatches = .sameLength
        let a = try TinyTask.trainer(.injection, steps: 30, settings: s).run()
        let b = try TinyTask.trainer(.injection, steps: 30, settings: s).run()
        #expect(a.log.map(\.loss) == b.log.map(\.loss))
        let first = a.log.prefix(5).compactMap(\.loss).reduce(0, +), last = a.log.suffix(5).compactMap(\.loss).reduce(0, +)
        #expect(last < first, "loss \(first / 5) → \(last / 5)")
    }
}
