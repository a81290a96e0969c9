// diff reads pipeline.lock at two git revisions and shows metrics and parameters with deltas;
// when a manifest is missing it names the commit and stage that would produce it.
import Foundation
import Testing
@testable import Pipeline

@Suite struct DiffTests {
    func git(_ repo: TestRepo, _ args: String...) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", repo.root, "-c", "user.email=t@t", "-c", "user.name=t"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args)")
    }

    @Test func metricsAndParamsSideBySide() throws {
        let repo = try TestRepo("diff")
        defer { repo.remove() }
        try git(repo, "init", "-q")
        try repo.write(".gitignore", "artifacts/\nruns.txt\n")
        try repo.run()
        try git(repo, "add", "-A")
        try git(repo, "commit", "-qm", "first")
        try repo.writeSpec(TestRepo.standardSpec(offset: 0, modulus: 1000, genCount: 8))
        try repo.run()
        let d = try repo.workspace().diff()
        #expect(d.rows.contains(DiffRow(stage: "gen/a", kind: "metric", name: "count", a: "5", b: "8", delta: 3)))
        #expect(d.rows.contains(DiffRow(stage: "gen/a", kind: "param", name: "count", a: "5", b: "8", delta: 3)))
        #expect(!d.rows.contains { $0.stage == "gen/a" && $0.name == "offset" })
        #expect(d.text.contains("+3"))
        #expect(d.json["rows"]?.arrayValue?.count == d.rows.count)
        try git(repo, "commit", "-qam", "second")
        let between = try repo.workspace().diff("HEAD~1", "HEAD")
        #expect(between.rows == d.rows)
        // Without the first run's manifests, the report says where they come from.
        _ = try repo.workspace().gc(keepRunCache: false)
        let sparse = try repo.workspace().diff("HEAD~1", "HEAD")
        #expect(sparse.notes.contains { $0.contains("parameters of gen/a at HEAD~1") && $0.contains("pipeline run gen/a") && $0.contains("check out") })
    }
}
