// `report`: the paper's tables and figures from every stage's outputs, next to the paper's
// numbers (`report build`), and the metric-by-metric comparison of two reports (`report diff`).
// Logic: Sources/ReportStage.
import ArgumentParser
import Decoding
import Foundation
import ReportStage
import StageCLI
import Support

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Builds the report (Markdown, HTML, JSON, PNGs) or compares two reports.",
        subcommands: [Build.self, Diff.self], defaultSubcommand: Build.self)
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reads stage outputs (task/method=FILE) and writes the report.")

    @Option(help: "evaluate's metrics.json, as task/method=FILE (method none|baseline|injection); repeatable.") var evaluation: [String] = []
    @Option(help: "evaluate's timing.json (wall seconds per part), as task/method=FILE; repeatable.") var evaluationTiming: [String] = []
    @Option(help: "distill's summary.json, as task/method=FILE; repeatable.") var distill: [String] = []
    @Option(help: "distill's log.jsonl, as task/method=FILE; repeatable.") var distillLog: [String] = []
    @Option(help: "decode's decode.json, as task/method=FILE; repeatable.") var decode: [String] = []
    @Option(help: "decode's figure tar, as task/method=FILE; repeatable.") var decodeFigures: [String] = []
    @Option(help: "Profile named in the report.") var profile = "not given"
    @Option(help: "Base model named in the report.") var baseModel = "not given"
    @Option(help: "Commit named in the report.") var commit = "not given"
    @Option(help: "Title of the report.") var title = "graft: tracr-injection reproduction"
    @Option(help: "report.md to write (links figures/<name>.png).") var outMd: String?
    @Option(help: "Self-contained report.html to write.") var outHtml: String?
    @Option(help: "report.json (every number, for report diff) to write.") var outJson: String?
    @Option(help: "Tar of figures/<name>.png to write (unpack beside report.md).") var outFigures: String?
    @Option(help: "Directory to write report.md, report.html, report.json and figures/ into.") var outDir: String?

    func run() throws {
        var o = ReportOptions()
        (o.evaluations, o.evaluationTimings, o.distill, o.logs) = (evaluation, evaluationTiming, distill, distillLog)
        (o.decodes, o.decodeFigures) = (decode, decodeFigures)
        (o.profile, o.baseModel, o.commit, o.title) = (profile, baseModel, commit, title)
        (o.outMarkdown, o.outHTML, o.outJSON, o.outFigures, o.outDir) = (outMd, outHtml, outJson, outFigures, outDir)
        let built = try runReportBuild(o)
        try writeHeadlineMetrics(built.json.headlineMetrics)
        print("report: \(built.json.metrics.count) numbers, \(built.json.not_run.count) not run, \(built.pngs.count) PNG figures")
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compares two reports metric by metric (report.json, or the report.md / directory beside it).")
    @Argument(help: "The first report.") var a: String
    @Argument(help: "The second report.") var b: String
    @Flag(help: "Print the diff as JSON instead of Markdown.") var json = false

    func run() throws {
        let (diff, markdown) = try diffReports(a, b)
        if json { print(String(decoding: try diff.json(), as: UTF8.self)) } else { print(markdown, terminator: "") }
    }
}

requireBuildCPU(program: "report")
ReportCommand.main()
