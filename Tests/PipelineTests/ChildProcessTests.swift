// Crashes and interruptions, through the real `pipeline` executable: a stage killed with
// SIGKILL mid-write, SIGINT to the runner, a runner killed with SIGKILL, and a file-size limit
// hit while storing an output (RLIMIT_FSIZE through `ulimit -S -f`, a real EFBIG from the
// kernel). Each leaves no partial object, no lock entry for the unfinished stage, an empty
// artifacts/tmp, and the next run completes.
import Foundation
import Testing
@testable import Pipeline

@Suite struct ChildProcessTests {
    /// A repo whose mod stage writes half its output, says "started", then waits for `release`.
    func slowRepo() throws -> TestRepo {
        let repo = try TestRepo("slow")
        try repo.write("tools/mod.sh", """
            #!/bin/sh
            echo "mod/$GRAFT_STAGE" >> "$GRAFT_ROOT/runs.txt"
            echo partial > "$2"
            echo started
            while [ ! -f "$GRAFT_ROOT/release" ]; do sleep 0.05; done
            awk -v m="$3" '{ print $1 % m }' "$1" > "$2"
            """, executable: true)
        return repo
    }

    @Test func stageKilledMidWriteLeavesNothing() throws {
        let repo = try TestRepo("kill9")
        defer { repo.remove() }
        try repo.write("tools/mod.sh", "#!/bin/sh\nhead -c 100000 /dev/zero > \"$2\"\nkill -9 $$\n", executable: true)
        let (code, out) = try runPipeline(["run"], in: repo.root)
        #expect(code == 1, "\(out)")
        #expect(out.contains("FAILED  mod/a: killed by signal 9 (SIGKILL)"))
        let lock = try repo.lock()
        #expect(lock.stages["mod/a"] == nil && lock.stages["report"] == nil && lock.stages["gen/a"] != nil)
        let ws = try repo.workspace()
        #expect(!ws.store.contains(Digest.of([UInt8](repeating: 0, count: 100000))))
        #expect(repo.tmpEntries().isEmpty)
        try repo.write("tools/mod.sh", "#!/bin/sh\nawk '{ print $1 }' \"$1\" > \"$2\"\n", executable: true)
        let (again, out2) = try runPipeline(["run"], in: repo.root)
        #expect(again == 0, "\(out2)")
        #expect(out2.contains("summary: 2 ran, 0 restored from the run cache, 1 fresh"))
    }

    @Test(arguments: [SIGINT, SIGTERM]) func signalStopsTheRunCleanly(_ sig: Int32) throws {
        let repo = try slowRepo()
        defer { repo.remove() }
        let runner = try Spawned(pipelineBinary(), ["run"], cwd: repo.root)
        #expect(eventually { runner.output.contains("mod/a | started") })
        let lockBefore = repo.read("pipeline.lock")
        kill(runner.process.processIdentifier, sig)
        let code = runner.wait(seconds: 30)
        #expect(code == 130, "\(runner.output)")
        #expect(runner.output.contains("stopped mod/a: interrupted"))
        #expect(repo.read("pipeline.lock") == lockBefore)
        #expect(try repo.lock().stages["mod/a"] == nil)
        #expect(!(try repo.workspace().store.contains(Digest.of("partial\n"))))
        #expect(repo.tmpEntries().isEmpty)
        try repo.write("release", "")
        let (again, out) = try runPipeline(["run"], in: repo.root)
        #expect(again == 0, "\(out)")
        #expect(try repo.lock().stages.count == 3)
    }

    /// A stage that ignores Ctrl-C: the runner says it forwarded the signal and what it waits for,
    /// and a second Ctrl-C kills the stage at once (issue 16, defect 9).
    @Test func aSecondInterruptKillsAStageThatIgnoresTheFirst() throws {
        let repo = try TestRepo("stubborn")
        defer { repo.remove() }
        try repo.write("tools/mod.sh", """
            #!/bin/sh
            trap '' INT
            echo started
            while [ ! -f "$GRAFT_ROOT/release" ]; do sleep 0.05; done
            awk -v m="$3" '{ print $1 % m }' "$1" > "$2"
            """, executable: true)
        let runner = try Spawned(pipelineBinary(), ["run"], cwd: repo.root)
        #expect(eventually { runner.output.contains("mod/a | started") })
        kill(runner.process.processIdentifier, SIGINT)
        #expect(eventually { runner.output.contains("SIGINT (Ctrl-C): forwarded to mod/a; waiting up to 120 s") }, "\(runner.output)")
        let began = Date()
        kill(runner.process.processIdentifier, SIGINT)
        let code = runner.wait(seconds: 30)
        #expect(Date().timeIntervalSince(began) < 20, "the second interrupt did not kill the stage at once")
        #expect(code == 130, "\(runner.output)")
        #expect(runner.output.contains("SIGINT (Ctrl-C) again: killing mod/a now"), "\(runner.output)")
        #expect(try repo.lock().stages["mod/a"] == nil)
        #expect(repo.tmpEntries().isEmpty)
    }

    @Test func secondRunnerWaitsOrExits() throws {
        let repo = try slowRepo()
        defer { repo.remove() }
        let first = try Spawned(pipelineBinary(), ["run"], cwd: repo.root)
        #expect(eventually { first.output.contains("mod/a | started") })
        let (busy, message) = try runPipeline(["run", "--no-wait"], in: repo.root)
        #expect(busy == 2)
        #expect(message.contains("holds the store lock") && message.contains("pid \(first.process.processIdentifier)"), "\(message)")
        let second = try Spawned(pipelineBinary(), ["run"], cwd: repo.root)
        #expect(eventually { second.output.contains("waiting for it to finish") })
        try repo.write("release", "")
        #expect(first.wait() == 0)
        #expect(second.wait() == 0, "\(second.output)")
        #expect(second.output.contains("summary: 0 ran, 0 restored from the run cache, 3 fresh"))
    }

    @Test func lockOfAKilledRunnerDoesNotBlock() throws {
        let repo = try slowRepo()
        defer { repo.remove() }
        let first = try Spawned(pipelineBinary(), ["run"], cwd: repo.root)
        #expect(eventually { first.output.contains("mod/a | started") })
        kill(first.process.processIdentifier, SIGKILL)
        try repo.write("release", "")          // lets the orphaned stage end too
        #expect(first.wait(seconds: 20) == SIGKILL)
        let (code, out) = try runPipeline(["run", "--no-wait"], in: repo.root)
        #expect(code == 0, "\(out)")
        #expect(try repo.lock().stages.count == 3)
        #expect(repo.tmpEntries().isEmpty)
    }

    @Test func fileSizeLimitWhileStoringLeavesNothing() throws {
        let repo = try TestRepo("fsize")
        defer { repo.remove() }
        // The stage lifts its own soft limit and writes 1 MiB of random bytes; the runner, limited
        // to 256 KiB files, fails to store it.
        try repo.write("tools/mod.sh", "#!/bin/sh\nulimit -S -f unlimited\nhead -c 1048576 /dev/urandom > \"$2\"\n", executable: true)
        let (code, out) = try runPipeline(["run", "gen/a"], in: repo.root)
        #expect(code == 0, "\(out)")
        let objectsBefore = repo.objectsOnDisk()
        let lockBefore = repo.read("pipeline.lock")
        let limited = try Spawned("/bin/sh", ["-c", "ulimit -S -f 512 && exec \"$0\" run", pipelineBinary()], cwd: repo.root)
        #expect(limited.wait() == 1, "\(limited.output)")
        #expect(limited.output.contains("File too large") && limited.output.contains("nothing was stored"), "\(limited.output)")
        #expect(repo.objectsOnDisk() == objectsBefore)
        #expect(repo.read("pipeline.lock") == lockBefore)
        #expect(repo.tmpEntries().isEmpty)
    }
}
