// report build on hand-made inputs: Table 3 and Table 2 have every cell filled (numbers, the
// paper's numbers, or "not run: reason" for missing inputs and parts), every number lands in
// report.json, the Markdown links only PNGs the bundle holds, the HTML is self-contained and
// well-formed, the same inputs give the same bytes, and bad inputs are all reported at once.
import Decoding
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reporting
import Testing
import ReportStage
import StageFiles
import TestSupport

func options(_ files: [String: [String]], outDir: String? = nil) -> ReportOptions {
    var o = ReportOptions()
    o.evaluations = files["evaluation"] ?? []
    o.evaluationTimings = files["timing"] ?? []
    o.distill = files["distill"] ?? []
    o.logs = files["log"] ?? []
    o.decodes = files["decode"] ?? []
    o.decodeFigures = files["figures"] ?? []
    o.profile = "smoke"; o.baseModel = "SmolLM2-135M-Instruct"; o.commit = "0123abc"
    o.outDir = outDir
    return o
}

@Suite struct BuildReportTests {
    @Test func tablesAreCompleteWithNotRunCells() throws {
        let inputs = try loadReportInputs(options(try dyckInputs(try makeTemporaryDirectory("complete"))))
        let t3 = inputs.table3()
        #expect(t3.rows.count == 9 && t3.rows.allSatisfy { $0.count == t3.columns.count })
        #expect(t3.rows.allSatisfy { row in row.allSatisfy { !$0.plain.isEmpty } })
        // dyck / none: numbers; the paper beside.
        #expect(t3.rows[0].map(\.plain) == ["Shuffle Dyck", "No editing", "0.0% [0.0–1.9] n=200", "0.0%", "41.25", "569.7", "30.50",
                                            "65.0% [58.2–71.3] n=200", "67.4%", "60.0% [53.1–66.5] n=200", "63.7%", "25.0% [19.5–31.4] n=200", "58.8%"])
        #expect(t3.rows[1][7] == .notRun(reason: "no sst2 file"))
        // each fine-tuned accuracy is compared with the untouched model's: 175/200 against 0/200 is
        // significant, equal retention scores are not
        #expect(t3.rows[2][2] == .proportion(Proportion(correct: 175, total: 200), note: "↑ vs no editing") && t3.rows[2][3].plain == "99.9%")
        #expect(t3.rows[2][9].plain == "60.0% [53.1–66.5] n=200 · n.s. vs no editing")
        // Integer Addition rows: no inputs at all.
        #expect(t3.rows[3][2] == .notRun(reason: "no evaluation of sum/none given"))
        #expect(t3.rows[5].map(\.plain)[3] == "95.0%")
        let t2 = inputs.table2()
        #expect(t2.rows.count == 9 && t2.rows.allSatisfy { row in row.allSatisfy { !$0.plain.isEmpty } })
        let balanced = try #require(t2.rows.first { $0[2].plain == "almost_balanced" })
        #expect(balanced.map(\.plain) == ["Shuffle Dyck", "almost-balanced examples", "almost_balanced", "75.0% [59.8–85.8] n=40", "96.6%",
                                       "75.0% [59.8–85.8] n=40", "75.3%", "75.0% [59.8–85.8] n=40"])
        let family = try #require(t2.rows.first { $0[2].plain == "ood_new_token" })
        #expect(family[3] == .notRun(reason: "set ood_new_token absent from the evaluation of dyck/injection"))
        #expect(t2.rows.first { $0[0].plain == "Count" }?[3] == .notRun(reason: "no evaluation of count/injection given"))
        let training = inputs.trainingTable()
        #expect(training.rows.allSatisfy { row in row.allSatisfy { !$0.plain.isEmpty } })
        #expect(training.rows[0][5] == .notRun(reason: "the baseline has no algorithm loss"))
    }

    @Test func nothingGivenStillFillsEveryCell() throws {
        let dir = try makeTemporaryDirectory("empty")
        let built = try runReportBuild(options([:], outDir: dir))
        #expect(built.markdown.contains("not run: no evaluation of dyck/injection given"))
        #expect(built.json.metrics.isEmpty && built.json.not_run["table3/count/baseline/accuracy"] == "no evaluation of count/baseline given")
        #expect(FileManager.default.fileExists(atPath: dir + "/report.html"))
    }

    @Test func numbersRoundTripIntoReportJSON() throws {
        let dir = try makeTemporaryDirectory("roundtrip")
        _ = try runReportBuild(options(try dyckInputs(try makeTemporaryDirectory("roundtrip-in")), outDir: dir))
        let r = try ReportJSON.read(dir)
        #expect(r.meta.profile == "smoke" && r.meta.commit == "0123abc" && r.meta.inputs.count == 12)
        #expect(r.meta.inputs.allSatisfy { $0.sha256.count == 64 })
        let m = r.metrics
        // every accuracy carries its example count and its 95 % interval
        #expect(m["table3/dyck/injection/accuracy"] == Metric(Proportion(correct: 175, total: 200)))
        #expect(m["table3/dyck/injection/accuracy"]?.count == 200 && m["table2/dyck/baseline/length_ood"]?.count == 40)
        #expect(abs((m["table3/dyck/injection/accuracy"]?.low ?? 0) - 0.8220) < 1e-4 && abs((m["table3/dyck/injection/accuracy"]?.high ?? 0) - 0.9139) < 1e-4)
        #expect(m["table3/dyck/none/perplexity_mean_per_line"]?.value == 41.25)
        #expect(m["table3/dyck/baseline/perplexity_token_weighted"] == Metric(30.5, unit: "perplexity", higherIsBetter: false))
        #expect(m["table3/dyck/injection/lambada"]?.value == 0.25 && m["table3/dyck/injection/mrpc"]?.value == 0.6)
        #expect(m["table2/dyck/baseline/length_ood"]?.value == 0.25)
        #expect(m["noise/dyck/injection/answer/absolute/5.000"]?.value == 0.5)
        #expect(m["noise/dyck/injection/orthonormal/relative/0.500"]?.value == 0.9)
        #expect(m["distill/dyck/injection/cosine/layer2"]?.value == 0.7 && m["distill/dyck/baseline/final_alg"] == nil)
        #expect(m["decode/dyck/injection/model/tokens/layer2"]?.value == 0.9375)
        #expect(m["decode/dyck/injection/control/final_result/layer2"]?.value == 0.625)
        #expect(m["wall/evaluate/dyck/none/perplexity"]?.value == 10.25 && m["wall/distill/dyck/injection/total"]?.value == 61.5)
        #expect(m["table3/dyck/none/accuracy"]?.value == 0)
        #expect(r.not_run["table3/dyck/baseline/sst2"] == "no sst2 file")
        #expect(r.not_run["table2/dyck/injection/ood_new_token"] == "set absent from the evaluation")
        #expect(r.not_run["decode/dyck/injection/model/final_result/layer0"] == "not written by the compiled model yet")
        #expect(m["decode/dyck/injection/model/final_result/layer0"] == nil && m["decode/dyck/injection/model/final_result/layer1"]?.value == 0.75)
    }

    @Test func markdownLinksExactlyTheBundledPNGs() throws {
        let dir = try makeTemporaryDirectory("links")
        let built = try runReportBuild(options(try dyckInputs(try makeTemporaryDirectory("links-in")), outDir: dir))
        let links = built.markdown.split(separator: "\n").filter { $0.hasPrefix("![") }.map { line -> String in
            String(line[line.index(after: line.lastIndex(of: "(")!)..<line.lastIndex(of: ")")!])
        }
        #expect(Set(links) == Set(built.pngs.map(\.name)) && links.count == built.pngs.count)
        #expect(links.contains("figures/decode-dyck-injection-example-0-raw.png") && links.contains("figures/noise-dyck-injection-absolute.png"))
        // distill's validation_accuracy_curve becomes one accuracy-vs-step chart per task
        #expect(links.contains("figures/training-dyck-accuracy.png"))
        for l in links { #expect(FileManager.default.fileExists(atPath: dir + "/" + l), "\(l)") }
        #expect(built.pngs.allSatisfy { Array($0.bytes.prefix(8)) == pngSignature })
        let tar = dir + "/figures.tar"
        var o = options(try dyckInputs(try makeTemporaryDirectory("links-in"))); o.outFigures = tar
        try runReportBuild(o)
        #expect(try readBundle(tar).map(\.name) == built.pngs.map(\.name))
    }

    @Test func htmlIsSelfContainedAndWellFormed() throws {
        let built = try buildReport(try loadReportInputs(options(try dyckInputs(try makeTemporaryDirectory("html-in")))), options([:]))
        let html = built.html
        #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("src=") && !html.contains("href=") && !html.contains("@import"))
        let body = String(html.drop(while: { $0 != "\n" }).dropFirst())
        let parser = XMLParser(data: Data(body.utf8))
        #expect(parser.parse(), "report.html is not well-formed: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
        #expect(html.contains("<svg") && html.contains("not run: no evaluation of sum/injection given"))
        #expect(html.contains("Tracr Injection") && html.contains("569.7"))
    }

    @Test func deterministic() throws {
        let files = try dyckInputs(try makeTemporaryDirectory("det-in"))
        let a = try buildReport(try loadReportInputs(options(files)), options(files))
        let b = try buildReport(try loadReportInputs(options(files)), options(files))
        let (ja, jb) = (try a.json.json(), try b.json.json())
        #expect(a.markdown == b.markdown && a.html == b.html && ja == jb && a.pngs == b.pngs)
    }

    @Test func badInputsAreReportedAtOnce() throws {
        let dir = try makeTemporaryDirectory("bad")
        let wrongTask = try write(evaluationJSON(task: "sum", method: "none", accuracy: 0.5), dir + "/sum.json")
        let wrongFormat = try write(#"{"format":"graft-decode","version":1}"#, dir + "/x.json")
        var o = options(["evaluation": ["dyck/none=\(wrongTask)", "dyck/fancy=\(wrongTask)", "count/none=\(wrongFormat)", "sum/none"],
                         "decode": ["dyck/injection=\(dir)/missing.json"]])
        o.outJSON = dir + "/report.json"
        do { try runReportBuild(o); Issue.record("expected an error") } catch {
            let s = "\(error)"
            #expect(s.contains("5 problem(s)"))
            #expect(s.contains("holds sum/none but was given as dyck/none"))
            #expect(s.contains("method in none|baseline|injection"))
            #expect(s.contains("not a readable evaluate metrics.json"))
            #expect(s.contains("expected task/method=FILE"))
            #expect(s.contains("missing.json"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/report.json"))
        #expect(throws: ReportError.self) { try runReportBuild(options([:])) }       // no output named
    }

    @Test func aFileOfAnotherVersionIsNamed() throws {
        let dir = try makeTemporaryDirectory("version")
        let text = try evaluationJSON(task: "dyck", method: "none", accuracy: 0.5)
            .replacingOccurrences(of: "\"version\":\(EvaluationFile.version)", with: "\"version\":99")
        #expect(text.contains("\"version\":99"))
        let path = try write(text, dir + "/v99.json")
        var inputs = ReportInputs()
        #expect { try inputs.addEvaluation(RunKey(.dyck, .none), path: path) } throws: {
            "\($0)".contains("v99.json: format \(EvaluationFile.format) version 99, expected \(EvaluationFile.format) version \(EvaluationFile.version)")
        }
    }
}

/// Debian's chromium, when installed (`apt-get install --no-install-recommends chromium`).
let chromiumPath: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite struct ChromiumRenderTests {
    /// Runs chromium headless; returns (exit status, stdout, stderr).
    func chromium(_ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromiumPath!)
        let profile = try makeTemporaryDirectory("chromium-profile")
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                       "--user-data-dir=" + profile] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: chromiumPath != nil, "Debian's chromium is not installed")) func rendersInHeadlessChromium() throws {
        let dir = try makeTemporaryDirectory("chromium")
        let built = try runReportBuild(options(try dyckInputs(try makeTemporaryDirectory("chromium-in")), outDir: dir))
        let url = "file://" + dir + "/report.html"
        let (status, dom, _) = try chromium(["--dump-dom", url])
        #expect(status == 0)
        // The parsed DOM holds every section, every inline SVG and the not-run cells.
        #expect(dom.contains("Table 2: out-of-distribution accuracy") && dom.contains("not run: no evaluation of sum/injection given"))
        #expect(dom.components(separatedBy: "<svg").count == built.html.components(separatedBy: "<svg").count)
        let shot = dir + "/screenshot.png"
        let (shotStatus, _, _) = try chromium(["--screenshot=" + shot, "--window-size=1200,2400", url])
        #expect(shotStatus == 0)
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(Array(png.prefix(8)) == pngSignature && png.count > 10_000)
    }
}
