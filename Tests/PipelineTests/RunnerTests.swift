// The runner's contract: nothing reruns when nothing changed; a parameter change reruns exactly
// the stages whose inputs changed; --force; the run cache restores reverted changes; keys
// survive touches, identical rebuilds and moved checkouts, and follow code edits; failures
// leave pipeline.lock and the store as they were; determinism.
import Foundation
import Testing
@testable import Pipeline

@Suite struct RunnerTests {
    @Test func secondRunRunsNothing() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        let first = try repo.run()
        #expect(first.ran == ["gen/a", "mod/a", "report"])
        #expect(repo.executed() == ["gen/a", "mod/a", "report"])
        let second = try repo.run()
        #expect(second.ran.isEmpty && second.restored.isEmpty)
        #expect(second.fresh == ["gen/a", "mod/a", "report"])
        #expect(repo.executed().isEmpty)
        #expect(try repo.workspace().status(profile: "default").allSatisfy { $0.state == .fresh })
        #expect(repo.tmpEntries().isEmpty)
    }

    @Test func paramChangeRerunsOnlyWhatChanged() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        _ = repo.executed()
        // offset 0 → 1000 changes gen's output, but mod 1000 maps it to the same bytes: report stays fresh.
        try repo.writeSpec(TestRepo.standardSpec(offset: 1000, modulus: 1000))
        let st = try repo.workspace().status(profile: "default")
        #expect(st[0].state == .stale && st[0].reasons.contains { $0.contains("params changed: offset: 0 → 1000") })
        #expect(st[1].reasons == ["upstream gen/a must run first"])
        let s = try repo.run()
        #expect(repo.executed() == ["gen/a", "mod/a"])
        #expect(s.ran == ["gen/a", "mod/a"] && s.fresh == ["report"])
        // Changing mod's own parameter reruns mod and report, not gen.
        try repo.writeSpec(TestRepo.standardSpec(offset: 1000, modulus: 7))
        try repo.run()
        #expect(repo.executed() == ["mod/a", "report"])
    }

    @Test func forceRerunsTheTarget() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        _ = repo.executed()
        let s = try repo.run(["mod/a"], force: true)
        #expect(repo.executed() == ["mod/a"])
        #expect(s.ran == ["mod/a"] && s.fresh == ["gen/a"])
        try repo.run(["gen"], force: true)            // a prefix names gen/a
        #expect(repo.executed() == ["gen/a"])
    }

    @Test func revertedChangeIsRestoredFromTheRunCache() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        let original = try repo.lock()
        try repo.writeSpec(TestRepo.standardSpec(offset: 3, modulus: 1000))
        try repo.run()
        _ = repo.executed()
        try repo.writeSpec(TestRepo.standardSpec(offset: 0, modulus: 1000))
        #expect(try repo.workspace().status(profile: "default")[0].cached)
        let s = try repo.run()
        #expect(repo.executed().isEmpty)
        #expect(s.restored == ["gen/a", "mod/a", "report"])
        #expect(try repo.lock() == original)
    }

    @Test func profilesResolveParameters() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.writeSpec(TestRepo.standardSpec(offset: 0, modulus: 1000, genCount: ["$profile": ["smoke": 2, "default": 4]]))
        try repo.run(profile: "smoke")
        #expect(try repo.lock().stages["gen/a"]?.metrics["count"] == 2)
        #expect(try repo.workspace().status(profile: "default")[0].reasons[0].contains("last run used profile smoke"))
        try repo.run(profile: "default")
        #expect(try repo.lock().stages["gen/a"]?.metrics["count"] == 4)
        #expect(throws: SpecError.self) { try repo.run(profile: "paper") }
    }

    @Test func keysIgnoreTouchRebuildAndMoveButFollowCodeEdits() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        let keys = try repo.lock().stages.mapValues(\.key)
        // Touch an input and a tool; rewrite a tool with identical bytes (a rebuild).
        let future = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: future], ofItemAtPath: repo.root + "/stages/note.txt")
        try FileManager.default.setAttributes([.modificationDate: future], ofItemAtPath: repo.root + "/tools/gen.sh")
        try repo.write("tools/mod.sh", repo.read("tools/mod.sh"), executable: true)
        let st = try repo.workspace().status(profile: "default")
        #expect(st.allSatisfy { $0.state == .fresh })
        #expect(Dictionary(uniqueKeysWithValues: st.map { ($0.stage, $0.key!) }) == keys)
        // A moved checkout: copy the whole directory elsewhere.
        let moved = repo.root + "-moved"
        try FileManager.default.copyItem(atPath: repo.root, toPath: moved)
        defer { try? FileManager.default.removeItem(atPath: moved) }
        let movedStatus = try Workspace(root: moved).status(profile: "default")
        #expect(movedStatus.allSatisfy { $0.state == .fresh })
        #expect(Dictionary(uniqueKeysWithValues: movedStatus.map { ($0.stage, $0.key!) }) == keys)
        // An edit of a tool's code changes its stage's key.
        try repo.write("tools/mod.sh", repo.read("tools/mod.sh") + "# edited\n", executable: true)
        let edited = try repo.workspace().status(profile: "default")
        #expect(edited[0].state == .fresh)
        #expect(edited[1].state == .stale && edited[1].reasons == ["code of tool mod changed"])
        #expect(edited[1].key != keys["mod/a"])
    }

    /// --keep-going: after mod/a fails, the independent zz/b still runs; report, which needs mod/a,
    /// is not started; without the flag zz/b is not started either (issue 16, item 11).
    @Test func keepGoingRunsWhatDoesNotDependOnTheFailure() throws {
        for keepGoing in [false, true] {
            let repo = try TestRepo()
            defer { repo.remove() }
            var spec = TestRepo.standardSpec(offset: 0, modulus: 3)
            guard case .object(var root) = spec, case .object(var stages)? = root["stages"] else { Issue.record("spec"); return }
            stages["zz/b"] = ["tool": "gen", "args": ["-n", "2", "-o", "9", "--out", "{out.data}"], "outputs": ["data"]]
            root["stages"] = .object(stages)
            spec = .object(root)
            try repo.writeSpec(spec)
            try repo.write("tools/mod.sh", "#!/bin/sh\necho broken >&2\nexit 3\n", executable: true)
            let s = try repo.run(keepGoing: keepGoing)
            #expect(s.failed == ["mod/a"] && !s.succeeded)
            #expect(s.notStarted.contains("report"))
            #expect(s.ran.contains("zz/b") == keepGoing, "keepGoing \(keepGoing): ran \(s.ran), not started \(s.notStarted)")
        }
    }

    /// A pipeline.lock entry (edited by hand) without an output that a downstream stage reads:
    /// the runner used to trap on it ("upstream outputs are known here"); now the reading stage
    /// fails, says how to rebuild, and the rest of the run goes on as after any failure.
    @Test func lockEntryWithoutAReadOutputFailsTheReader() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        var lock = try repo.lock()
        lock.stages["gen/a"]?.outputs = [:]
        try lock.save(root: repo.root)
        _ = repo.executed()
        let log = LineLog()
        let s = try repo.workspace().run(RunOptions(), log: log.append)
        #expect(s.fresh == ["gen/a"] && s.failed == ["mod/a"] && s.notStarted == ["report"] && !s.succeeded)
        #expect(log.lines.contains("FAILED  mod/a: upstream gen/a is done but its recorded outputs have no data (pipeline.lock or the run cache lists other outputs; `pipeline run --force gen/a` rebuilds them)"), "\(log.lines)")
        #expect(repo.executed().isEmpty)
        // As the message says: forcing gen/a rebuilds its entry, and the next run completes.
        #expect(try repo.run(["gen/a"], force: true).ran == ["gen/a"])
        #expect(try repo.run().succeeded)
    }

    @Test func failedStageLeavesLockAndStoreAlone() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        let lockBefore = repo.read("pipeline.lock")
        let objectsBefore = repo.objectsOnDisk()
        try repo.write("tools/mod.sh", "#!/bin/sh\necho half > \"$2\"\necho broken >&2\nexit 3\n", executable: true)
        let s = try repo.run()
        #expect(s.failed == ["mod/a"] && s.notStarted == ["report"] && !s.succeeded)
        #expect(repo.read("pipeline.lock") == lockBefore)
        #expect(repo.objectsOnDisk() == objectsBefore)
        #expect(repo.tmpEntries().isEmpty)
        #expect(repo.read("artifacts/logs/mod__a.log").contains("broken"))
        // A stage that exits 0 without writing a declared output fails too.
        try repo.write("tools/mod.sh", "#!/bin/sh\nexit 0\n", executable: true)
        var o = RunOptions()
        let log = LineLog()
        o.targets = ["mod/a"]
        #expect(try repo.workspace().run(o, log: log.append).failed == ["mod/a"])
        #expect(log.lines.contains { $0.contains("did not write declared output(s): mod (no file mod.txt was written)") })
    }

    @Test func metricsAndManifestAreRecorded() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.run()
        let ws = try repo.workspace()
        let entry = try #require(try repo.lock().stages["gen/a"])
        #expect(entry.metrics == ["count": 5, "offset": 0])
        let m = try Manifest(json: ws.store.getJSON(entry.manifest))
        #expect(m.stage == "gen/a" && m.key == entry.key && m.metrics == entry.metrics && m.params == ["count": 5, "offset": 0])
        #expect(m.peakMemoryBytes > 0 && m.wallSeconds > 0)
        #expect(try ws.store.get(entry.outputs["data"]!) == Array("0\n1\n2\n3\n4\n".utf8))
        #expect(try String(decoding: ws.store.get(m.log!), as: UTF8.self).contains("generating 5 lines"))
        // A malformed metrics file fails the stage.
        try repo.write("tools/gen.sh", "#!/bin/sh\necho x > \"$6\"\necho '{\"a\": \"high\"}' > \"$GRAFT_METRICS\"\n", executable: true)
        #expect(try repo.run().failed == ["gen/a"])
    }

    @Test func toolsFromPathAndArgumentsAsGiven() throws {
        let repo = try TestRepo("path")
        defer { repo.remove() }
        try repo.writeSpec([
            "format": "graft-pipeline", "version": 1,
            "tools": ["sh": ["exec": "sh"]],
            "stages": ["echo": ["tool": "sh", "args": ["-c", "printf '%s|%s' \"$1\" \"$GRAFT_STAGE\" > {out.x}", "argv0", "two words {{x}}"],
                                "outputs": ["x"]]],
        ])
        #expect(try repo.run().ran == ["echo"])
        let d = try #require(try repo.lock().stages["echo"]?.outputs["x"])
        #expect(try repo.workspace().store.get(d) == Array("two words {x}|echo".utf8))
    }

    @Test func parallelJobsAndDeterminism() throws {
        let a = try TestRepo("det-a"), b = try TestRepo("det-b")
        defer { a.remove(); b.remove() }
        var spec = TestRepo.standardSpec(offset: 0, modulus: 1000)
        if case .object(var o) = spec, case .object(var stages) = o["stages"]! {
            for i in 0..<4 {
                stages["gen/p\(i)"] = ["tool": "gen", "args": ["-n", "{param.count}", "-o", "{param.offset}", "--out", "{out.data}"],
                                        "params": ["count": 50, "offset": .int(Int64(i))], "outputs": ["data"]]
            }
            o["stages"] = .object(stages)
            spec = .object(o)
        }
        try a.writeSpec(spec)
        try b.writeSpec(spec)
        #expect(try a.run(jobs: 3).ran.count == 7)
        #expect(try b.run(jobs: 1).ran.count == 7)
        let la = try a.lock(), lb = try b.lock()
        #expect(la.stages.mapValues(\.outputs) == lb.stages.mapValues(\.outputs))
        #expect(la.stages.mapValues(\.key) == lb.stages.mapValues(\.key))
        for (_, e) in la.stages {
            for d in e.outputs.values {
                let pa = try Workspace(root: a.root).store.objectPath(d), pb = try Workspace(root: b.root).store.objectPath(d)
                #expect(FileManager.default.contents(atPath: pa) == FileManager.default.contents(atPath: pb))
            }
        }
    }
}
