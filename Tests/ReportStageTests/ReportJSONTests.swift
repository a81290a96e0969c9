// report diff: two small reports compared metric by metric (better / worse by each metric's
// direction, metrics present in only one, not-run changes), read from report.json, its
// directory, or the report.md beside it.
import Foundation
import Reporting
import Testing
import ReportStage
import TestSupport

@Suite struct ReportJSONTests {
    @Test func diffOfTwoSmallReports() throws {
        let a = try makeTemporaryDirectory("diff-a"), b = try makeTemporaryDirectory("diff-b")
        _ = try runReportBuild(options(try dyckInputs(try makeTemporaryDirectory("diff-a-in"), accuracy: 0.875), outDir: a))
        var files = try dyckInputs(try makeTemporaryDirectory("diff-b-in"), accuracy: 0.5)
        files["decode"] = nil; files["figures"] = nil
        files["evaluation"] = files["evaluation"]!.filter { !$0.hasPrefix("dyck/none=") }
        _ = try runReportBuild(options(files, outDir: b))
        let (diff, md) = try diffReports(a + "/report.md", b)
        let acc = try #require(diff.rows.first { $0.name == "table3/dyck/injection/accuracy" })
        #expect(acc.a == 0.875 && acc.b == 0.5 && acc.delta == -0.375 && acc.verdict == "worse")
        let ppl = try #require(diff.rows.first { $0.name == "table3/dyck/injection/perplexity_mean_per_line" })
        #expect(ppl.delta == 0 && ppl.verdict == "same")
        #expect(diff.onlyInA.contains("decode/dyck/injection/model/tokens/layer0") && diff.onlyInB.isEmpty)
        #expect(md.contains("| table3/dyck/injection/accuracy (fraction) | 0.8750 | 0.5000 | -0.3750 | worse |"))
        #expect(md.contains("Not run in only one report:") && md.contains("- table3/dyck/none/sst2: B: no evaluation of dyck/none given"))
    }

    @Test func headlineMetrics() throws {
        let dir = try makeTemporaryDirectory("headline")
        let built = try runReportBuild(options(try dyckInputs(try makeTemporaryDirectory("headline-in")), outDir: dir))
        let h = built.json.headlineMetrics
        #expect(h["dyck_injection_accuracy"] == 0.875 && h["dyck_baseline_accuracy"] == 0.875 && h["dyck_none_accuracy"] == 0)
        #expect(h["numbers"] == Double(built.json.metrics.count) && h["not_run"] == Double(built.json.not_run.count))
    }

    @Test func unreadableReportsAreErrors() throws {
        let d = try makeTemporaryDirectory("diff-bad")
        #expect(throws: ReportError.self) { try diffReports(d, d) }
        try Data(#"{"format":"graft-decode","version":1,"meta":{"title":"","profile":"","base_model":"","commit":"","inputs":[]},"metrics":{},"not_run":{}}"#.utf8)
            .write(to: URL(fileURLWithPath: d + "/report.json"))
        do { _ = try diffReports(d, d); Issue.record("expected an error") } catch { #expect("\(error)".contains("expected graft-report")) }
    }
}
