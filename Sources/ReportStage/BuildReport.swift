// `report build` in one function: read every stage output named on the command line → tables
// (with the paper's numbers beside graft's) → figures → one page rendered three ways: report.md
// (+ a tar of the PNGs it links, figures/*.png), a self-contained report.html, and report.json
// (every number, for `report diff`). Pipeline outputs are single files, hence the PNG tar.
import Decoding
import Foundation
import Reporting
import Support

public struct ReportOptions: Sendable {
    public var title = "graft: tracr-injection reproduction"
    public var profile = "not given"
    public var baseModel = "not given"
    public var commit = "not given"
    public var evaluations: [String] = []       // task/method=FILE
    public var evaluationTimings: [String] = []
    public var distill: [String] = []
    public var logs: [String] = []
    public var decodes: [String] = []
    public var decodeFigures: [String] = []
    public var outMarkdown: String?
    public var outHTML: String?
    public var outJSON: String?
    public var outFigures: String?              // tar of figures/*.png
    public var outDir: String?                  // all of the above unpacked: report.md, report.html, report.json, figures/
    public init() {}
}

/// What a built report consists of.
public struct BuiltReport: Sendable {
    public var page: Report
    public var markdown: String
    public var html: String
    public var json: ReportJSON
    public var pngs: [BundleFile]
}

/// Reads the inputs (every problem reported at once).
public func loadReportInputs(_ o: ReportOptions) throws -> ReportInputs {
    var inputs = ReportInputs()
    var problems: [String] = []
    func each(_ list: [String], _ flag: String, _ add: (inout ReportInputs, RunKey, String) throws -> Void) {
        var seen = Set<RunKey>()
        for item in list {
            do {
                let (key, path) = try parseKeyedFile(item, flag: flag)
                guard seen.insert(key).inserted else { throw ReportError("\(flag) \(key) is given twice") }
                try add(&inputs, key, path)
            } catch { problems.append("\(error)") }
        }
    }
    each(o.evaluations, "--evaluation") { try $0.addEvaluation($1, path: $2) }
    each(o.evaluationTimings, "--evaluation-timing") { try $0.addEvaluationTiming($1, path: $2) }
    each(o.distill, "--distill") { try $0.addDistill($1, path: $2) }
    each(o.logs, "--distill-log") { try $0.addLog($1, path: $2) }
    each(o.decodes, "--decode") { try $0.addDecode($1, path: $2) }
    each(o.decodeFigures, "--decode-figures") { try $0.addDecodeFigures($1, path: $2) }
    guard problems.isEmpty else { throw ReportError("report build: \(problems.count) problem(s):\n  " + problems.joined(separator: "\n  ")) }
    return inputs
}

/// The report of `inputs`, rendered.
public func buildReport(_ inputs: ReportInputs, _ o: ReportOptions) throws -> BuiltReport {
    var figures = FigureSet()
    let t3 = inputs.table3()
    var headline: [Block] = [.table(t3), .paragraph(accuracyLegend), .paragraph(paperSetting)]
    let accuracy = BarChart(title: "In-distribution accuracy (graft)", yLabel: "accuracy", groups: TaskName.allCases.map(\.title),
                            methods: MethodName.allCases.map(\.title),
                            values: TaskName.allCases.map { t in MethodName.allCases.map { m in inputs.evaluations[RunKey(t, m)]?.accuracy.value } },
                            yRange: 0...1)
    headline.append(try figures.add("accuracy", caption: "In-distribution task accuracy per task and method (graft; n/a = not run)",
                                    svg: accuracy.svg()))
    let profiles = Set(inputs.evaluations.values.map(\.profile) + inputs.distill.values.map(\.profile) + inputs.decodes.values.map(\.profile))
    var run: [Block] = [.paragraph("Profile: \(o.profile). Base model: \(o.baseModel). Commit: \(o.commit).")]
    if profiles.count > 1 || (profiles.count == 1 && profiles.first != o.profile) {
        run.append(.paragraph("Note: the inputs were made with profile(s) \(profiles.sorted().joined(separator: ", ")), not all \(o.profile)."))
    }
    let page = Report(title: o.title, sections: [
        Section("Run", run),
        Section("Table 3 (and Table 1): accuracy, perplexity, general abilities", headline),
        Section("Table 2: out-of-distribution accuracy", [.table(inputs.table2())]),
        Section("Causal noise experiment (Appendix A, Figure 3)", try inputs.noiseBlocks(&figures)),
        Section("Training", [.table(inputs.trainingTable())] + (try inputs.trainingCurveBlocks(&figures))),
        Section("Decoding process (Appendix E, Figures 4–6)", try inputs.decodeBlocks(&figures)),
        Section("Decoding accuracy per aligned layer (beyond the paper)", try inputs.decodingAccuracyBlocks(&figures)),
        Section("Wall times", [.table(inputs.wallTimeTable())]),
        Section("Inputs and their SHA-256", [.table(inputs.inputTable())]),
    ])
    let (metrics, notRun) = inputs.flatMetrics()
    let json = ReportJSON(meta: ReportMeta(title: o.title, profile: o.profile, base_model: o.baseModel, commit: o.commit, inputs: inputs.files),
                          metrics: metrics, not_run: notRun)
    return BuiltReport(page: page, markdown: try page.markdown(), html: try page.html(), json: json, pngs: figures.pngs)
}

/// `report build`: load, build, write every requested output. At least one output is required.
@discardableResult
public func runReportBuild(_ o: ReportOptions) throws -> BuiltReport {
    guard o.outMarkdown != nil || o.outHTML != nil || o.outJSON != nil || o.outFigures != nil || o.outDir != nil else {
        throw ReportError("report build: name at least one output (--out-md, --out-html, --out-json, --out-figures, --out-dir)")
    }
    let built = try buildReport(try loadReportInputs(o), o)
    if let p = o.outMarkdown { try writeFileAtomically(p, bytes: Array(built.markdown.utf8)) }
    if let p = o.outHTML { try writeFileAtomically(p, bytes: Array(built.html.utf8)) }
    if let p = o.outJSON { try writeFileAtomically(p, bytes: [UInt8](try built.json.json())) }
    if let p = o.outFigures { try writeBundle(built.pngs, to: p) }
    if let dir = o.outDir {
        try FileManager.default.createDirectory(atPath: dir + "/figures", withIntermediateDirectories: true)
        try writeFileAtomically(dir + "/report.md", bytes: Array(built.markdown.utf8))
        try writeFileAtomically(dir + "/report.html", bytes: Array(built.html.utf8))
        try writeFileAtomically(dir + "/report.json", bytes: [UInt8](try built.json.json()))
        for f in built.pngs { try writeFileAtomically(dir + "/" + f.name, bytes: f.bytes) }
    }
    return built
}
