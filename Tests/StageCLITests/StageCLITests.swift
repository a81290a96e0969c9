// The stage command lines' shared parts: shared enums parse from their names, the thread count is
// refused outside 1…most where it is parsed, and headline metrics are written only when the
// runner asks, as a sorted flat object without non-finite values.
import ArgumentParser
import Foundation
import StageCLI
import Tasks
import Tensor
import Testing

private struct Probe: ParsableCommand {
    @Option var task: TaskKind
    @Option var profile: DataProfile = .default
    @OptionGroup var threads: ThreadOptions
}

@Suite struct StageCLITests {
    @Test func sharedOptionsParseAndValidate() throws {
        let p = try Probe.parse(["--task", "count", "--profile", "smoke", "--threads", "1"])
        #expect(p.task == .count && p.profile == .smoke && p.threads.threads == 1)
        #expect(try Probe.parse(["--task", "sum"]).threads.threads == 2)
        for bad in [["--task", "sum", "--threads", "0"], ["--task", "sum", "--threads", "-3"], ["--task", "sum", "--threads", "100000"],
                    ["--task", "bogus"], ["--task", "dyck", "--profile", "bogus"]] {
            #expect(throws: (any Error).self, "\(bad)") { _ = try Probe.parse(bad) }
        }
        do { _ = try Probe.parse(["--task", "dyck", "--threads", "0"]); Issue.record("expected an error") }
        catch { #expect(Probe.message(for: error).contains("--threads must be between 1 and \(ThreadOptions.most), got 0")) }
    }

    @Test func threadsApply() throws {
        let before = Threads.count
        defer { Threads.set(before) }
        try Probe.parse(["--task", "dyck", "--threads", "3"]).threads.apply()
        #expect(Threads.count == 3)
    }

    @Test func headlineMetricsGoWhereTheRunnerAsks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graft-metrics-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeHeadlineMetrics(["b": 0.75, "a": 1, "nan": .nan, "inf": .infinity], environment: ["GRAFT_METRICS": path])
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == #"{"a":1,"b":0.75}"#)
        try writeHeadlineMetrics(["a": 1], environment: [:])          // no runner: nothing written, no error
        try writeHeadlineMetrics(["a": 1], environment: ["GRAFT_METRICS": ""])
    }
}
