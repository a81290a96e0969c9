// Fault injection (issue 16): the runner killed with SIGKILL at a random moment of a multi-stage
// run, for several seeds, then `pipeline run` again. Each time the store verifies, no partial
// object is visible, artifacts/tmp is empty and every output, the final report's included, is
// byte-identical (same content digest) to an uninterrupted run's.
import Foundation
import Testing
@testable import Pipeline

@Suite(.serialized) struct FaultInjectionTests {
    /// The standard three-stage repo (gen → mod → report) with stages slow and large enough that a
    /// kill lands inside a stage, while the runner stores an output, or between stages.
    func repo(_ label: String) throws -> TestRepo {
        let r = try TestRepo(label)
        try r.write("tools/gen.sh", """
            #!/bin/sh
            set -e
            sleep 0.15
            seq "$4" "$(( $4 + 40000 ))" > "$6"
            echo "{\\"count\\": $2}" > "$GRAFT_METRICS"
            """, executable: true)
        try r.write("tools/mod.sh", """
            #!/bin/sh
            set -e
            sleep 0.1
            awk -v m="$3" '{ print $1 % m }' "$1" > "$2"
            """, executable: true)
        try r.write("tools/cat.sh", """
            #!/bin/sh
            set -e
            sleep 0.1
            out="$1"; shift
            cat "$@" > "$out"
            """, executable: true)
        return r
    }

    /// Every stage's output digests from pipeline.lock, as text.
    func outputs(_ r: TestRepo) throws -> [String: String] {
        var o: [String: String] = [:]
        for (name, e) in try r.lock().stages { o[name] = e.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.hex)" }.joined(separator: ",") }
        return o
    }

    @Test func killedAnywhereThenRerunEqualsAnUninterruptedRun() throws {
        let reference = try repo("fault-ref")
        defer { reference.remove() }
        let t0 = Date()
        let (code, out) = try runPipeline(["run"], in: reference.root)
        #expect(code == 0, "\(out)")
        let wall = Date().timeIntervalSince(t0)
        let expected = try outputs(reference)
        #expect(expected.count == 3)

        var killedMidRun = 0
        for seed in 1...6 {
            let r = try repo("fault-\(seed)")
            defer { r.remove() }
            // A moment in [0, 1.2 × wall) from the seed (fixed, so a failure reproduces; past the end = no kill).
            let fraction = Double((seed * 7919) % 97) / 97.0
            let runner = try Spawned(pipelineBinary(), ["run"], cwd: r.root)
            usleep(useconds_t(fraction * 1.2 * wall * 1e6))
            kill(runner.process.processIdentifier, SIGKILL)
            _ = runner.wait(seconds: 20)
            if runner.process.terminationReason == .uncaughtSignal { killedMidRun += 1 }
            usleep(400_000)                      // an orphaned stage, if any, ends on its own
            let (c2, o2) = try runPipeline(["run"], in: r.root)
            #expect(c2 == 0, "seed \(seed) (kill after \(fraction * 1.2 * wall) s): \(o2)")
            let (cv, ov) = try runPipeline(["verify"], in: r.root)
            #expect(cv == 0, "seed \(seed): verify: \(ov)")
            #expect(try outputs(r) == expected, "seed \(seed): outputs differ from the uninterrupted run")
            #expect(r.tmpEntries().isEmpty, "seed \(seed): artifacts/tmp holds \(r.tmpEntries())")
            // Nothing but finished objects under artifacts/objects (verify checked each one's content).
            let files = ((try? FileManager.default.subpathsOfDirectory(atPath: r.root + "/artifacts/objects")) ?? [])
                .filter { !(((try? FileManager.default.attributesOfItem(atPath: r.root + "/artifacts/objects/" + $0))?[.type] as? FileAttributeType) == .typeDirectory) }
            let partial = files.filter { !$0.hasSuffix(".zst") }
            #expect(partial.isEmpty, "seed \(seed): unfinished files among the objects: \(partial)")
        }
        #expect(killedMidRun >= 4, "only \(killedMidRun) of 6 runners were killed before they finished")
    }
}
