// The `pipeline` executable: every subcommand has --help; status exit codes and --json; dry runs
// explain without running; show and dag describe the graph.
import Foundation
import JSONText
import Testing
@testable import Pipeline

@Suite struct CommandLineTests {
    @Test func everySubcommandHasHelp() throws {
        let dir = FileManager.default.temporaryDirectory.path
        for sub in ["run", "status", "dag", "show", "archive", "restore", "diff", "gc", "verify"] {
            let (code, out) = try runPipeline([sub, "--help"], in: dir)
            #expect(code == 0 && out.contains("USAGE: pipeline \(sub)"), "\(sub): \(out)")
        }
    }

    @Test func statusExitCodesAndJSON() throws {
        let repo = try TestRepo("cli")
        defer { repo.remove() }
        let (before, text) = try runPipeline(["status"], in: repo.root)
        #expect(before == 1 && text.contains("never run gen/a: never run") && text.contains("upstream gen/a must run first"))
        #expect(try runPipeline(["run", "--jobs", "2"], in: repo.root).0 == 0)
        let (after, json) = try runPipeline(["status", "--json"], in: repo.root)
        #expect(after == 0)
        let v = try parseJSON(json.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(v["stages"]?.arrayValue?.map { $0["state"]?.stringValue } == ["fresh", "fresh", "fresh"])
        let (_, dag) = try runPipeline(["dag"], in: repo.root)
        #expect(dag.contains("mod/a  [mod] → mod\n    data ← gen/a:data"))
        let (_, show) = try runPipeline(["show", "gen/a"], in: repo.root)
        #expect(show.contains("status:  fresh") && show.contains("metric  count = 5.0") && show.contains("UTF-8 text"), "\(show)")
    }

    @Test func dryRunExplainsWithoutRunning() throws {
        let repo = try TestRepo("dry")
        defer { repo.remove() }
        try repo.run()
        _ = repo.executed()
        try repo.writeSpec(TestRepo.standardSpec(offset: 2, modulus: 1000))
        let (code, out) = try runPipeline(["run", "--dry-run"], in: repo.root)
        #expect(code == 0)
        #expect(out.contains("would run       gen/a: params changed: offset: 0 → 2"), "\(out)")
        #expect(out.contains("would decide    mod/a after gen/a runs"))
        #expect(repo.executed().isEmpty)
        let (_, forced) = try runPipeline(["run", "--dry-run", "--force", "report"], in: repo.root)
        #expect(forced.contains("would run       report: forced (--force)"))
    }
}
