// Publishing a run's outcomes: each one is exactly one log line (the texts users and scripts
// read), one summary entry, and, for a restored or finished stage, a pipeline.lock entry saved
// at once; entries of stages no longer declared drop out.
import Artifacts
import Foundation
import Testing
@testable import Pipeline

@Suite struct RunLedgerTests {
    func entry(_ seed: String, outputs: [String: Digest], profile: String = "default") -> LockEntry {
        LockEntry(key: .of("key " + seed), profile: profile, toolCode: .of("code " + seed), command: .of("command " + seed),
                  params: .of("params " + seed), inputs: [:], outputs: outputs, manifest: .of("manifest " + seed), metrics: ["loss": 0.5])
    }

    @Test func eachOutcomeIsOneLineOneSummaryEntryAndTheLockIsSaved() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("graft-ledger-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let lines = LineLog()
        let gen = entry("gen", outputs: ["data": .of("gen data")])
        var before = LockFile()
        before.stages = ["gen": gen, "gone": entry("gone", outputs: [:])]
        var ledger = RunLedger(lock: before, declared: { $0 != "gone" }, root: root, profile: "smoke", log: lines.append)
        #expect(ledger.lock.stages == ["gen": gen])

        let parts = KeyParts(toolCode: .of("code mod"), command: .of("command mod"), params: ["m": 7], paramsDigest: .of("params mod"),
                             inputs: ["data": .of("gen data")], key: .of("key mod"))
        let manifest = Manifest(stage: "mod", key: parts.key, profile: "smoke", params: ["m": 7], inputs: [:],
                                outputs: ["mod": .of("mod out")], tool: "mod", toolExec: "tools/mod.sh", toolCode: parts.toolCode,
                                wallSeconds: 1, peakMemoryBytes: 1, metrics: ["acc": 1], log: nil)
        let report = entry("report", outputs: ["report": .of("r"), "aux": .of("a")])

        ledger.fresh("gen", gen)
        try ledger.restored("mod", manifest, manifestDigest: .of("manifest mod"), parts: parts)
        ledger.starting("report", reasons: ["never run", "params changed"])
        try ledger.ran("report", report)
        ledger.failed("bad", RunError("exit status 3 (log: artifacts/logs/bad.log)"))
        ledger.notStarted("after-bad", upstream: "bad")
        ledger.interrupted("slow")
        let summary = ledger.finish(neverStarted: ["after-bad", "later"], cancelled: false)

        #expect(lines.lines == [
            "fresh   gen (key \(gen.key.short))",
            "restore mod: key \(parts.key.short) is in the run cache; outputs restored without running",
            "run     report: never run; params changed",
            "done    report (key \(report.key.short); aux \(Digest.of("a").short), report \(Digest.of("r").short))",
            "FAILED  bad: exit status 3 (log: artifacts/logs/bad.log)",
            "not started after-bad: upstream bad did not finish",
            "stopped slow: interrupted; its work directory was removed and pipeline.lock keeps its previous entry",
            "interrupted: 1 stage(s) finished, unfinished work discarded",
        ])
        #expect(summary == RunSummary(ran: ["report"], restored: ["mod"], fresh: ["gen"], failed: ["bad"],
                                      notStarted: ["after-bad", "later"], interrupted: true))
        let restored = LockEntry(key: parts.key, profile: "smoke", toolCode: parts.toolCode, command: parts.command,
                                 params: parts.paramsDigest, inputs: parts.inputs, outputs: ["mod": .of("mod out")],
                                 manifest: .of("manifest mod"), metrics: ["acc": 1])
        #expect(ledger.lock.stages == ["gen": gen, "mod": restored, "report": report])
        #expect(try LockFile.load(root: root) == ledger.lock)
    }

    @Test func aCancelledRunIsInterruptedAndSaysSo() {
        let lines = LineLog()
        var ledger = RunLedger(lock: LockFile(), declared: { _ in true }, root: "/nonexistent", profile: "default", log: lines.append)
        let quiet = ledger.finish(neverStarted: [], cancelled: false)
        #expect(quiet.succeeded && lines.lines.isEmpty)
        let cancelled = ledger.finish(neverStarted: ["b"], cancelled: true)
        #expect(cancelled.interrupted && cancelled.notStarted == ["b"] && !cancelled.succeeded)
        #expect(lines.lines == ["interrupted: 0 stage(s) finished, unfinished work discarded"])
    }
}
