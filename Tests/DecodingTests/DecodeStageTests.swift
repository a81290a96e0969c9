// The decode stage end to end: on a tiny GPT-2 folder with the tiny program (tables, truth,
// accuracy per layer, the least-squares control, figures, decode.json round trip, byte-identical
// reruns, clear errors), and on the real path: SmolLM2 and the paper's shuffle-Dyck program with
// the paper's prompt (15 LM positions, as in the paper's stored decode).
import CompiledModelFile
import Compiler
import Foundation
import Injection
import LM
import Reporting
import Tasks
import Testing
import Decoding
import StageFiles

@Suite(.serialized) struct DecodeStageTests {
    struct Fixture {
        var folder: String, compiled: String, adapter: String, baseline: String, test: String, train: String
    }

    static let fixture: Result<Fixture, Error> = Result {
        let folder = try tinyGPT2Folder(layers: 4)
        let compiled = temporaryPath("tiny.safetensors")
        try writeCompiledModel(tinyCompiled, to: compiled)
        let tokenizer = try loadTaskTokenizer(model: folder, task: .dyck)
        let test = temporaryPath("test.jsonl"), train = temporaryPath("train.jsonl")
        try taskRowsJSONL(["Are these matched? ([)]\nAnswer: True", "Too long for max_seq_len 40: (((((((((((\nAnswer: False", "Matched? (((\nAnswer: False", "{[]}\nAnswer: True",
                           "Is it? )(\nAnswer: False"], tokenizer: tokenizer).write(toFile: test, atomically: true, encoding: .utf8)
        try taskRowsJSONL(["Matched? ()\nAnswer: True", "Q: ([{}])\nAnswer: True", "Q: ((]\nAnswer: False", "Q: }{\nAnswer: False",
                           "x ( y ) z [ ]\nAnswer: True", "{{{((\nAnswer: False"], tokenizer: tokenizer).write(toFile: train, atomically: true, encoding: .utf8)
        let adapter = temporaryPath("adapter.safetensors")
        try AdapterFile.write(Adapter(lmWidth: 16, compiledWidth: tinyCompiled.width, seed: 5),
                              info: AdapterInfo(layers: tinyCompiled.layers.count, outputDims: tinyCompiled.output.dims), to: adapter)
        let (model, _) = try loadRunnableModel(folder)
        let p = model.params.values.pointer
        for i in 0..<model.params.totalCount { p[i] *= 1.1 }                   // a "fine-tuned" baseline
        let baseline = temporaryPath("baseline.safetensors")
        try WeightsFile.write(model, to: baseline)
        return Fixture(folder: folder, compiled: compiled, adapter: adapter, baseline: baseline, test: test, train: train)
    }

    func options(_ f: Fixture, out: String) -> DecodeOptions {
        var o = DecodeOptions(task: .dyck, method: "injection", profile: .smoke, compiled: f.compiled,
                              out: temporaryPath(out + ".json"), outFigures: temporaryPath(out + ".tar"))
        o.model = f.folder; o.adapter = f.adapter; o.test = f.test; o.train = f.train; o.baselineWeights = f.baseline
        o.prompts = ["[(])\nAnswer:"]; o.promptsFromTest = 1; o.examples = 4; o.fitExamples = 6
        return o
    }

    @Test func tinyEndToEnd() throws {
        let f = try Self.fixture.get()
        let o = options(f, out: "tiny-a")
        let s = try runDecode(o)
        let k = tinyCompiled.layers.count
        #expect(s.examples.count == 2)
        let e = s.examples[0]
        #expect(e.tokens.count == "[(])\nAnswer:".count && e.layer == k)
        #expect(e.variables == (try ResidualDecoder(labels: tinyCompiled.residualLabels)).names)
        #expect(e.table.count == e.tokens.count && e.table.allSatisfy { $0.count == e.variables.count })
        // The truth is the compiled model's own decode of the aligned input: "both" counts "(" at openers.
        let both = try #require(e.variables.firstIndex(of: tinyCompiled.outputLabel))
        #expect(e.truth.map { $0[both] } == ["0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"])
        let acc = try #require(s.accuracy.value), control = try #require(s.control?.value)
        #expect(Set(acc.keys) == Set(control.keys) && acc.keys.contains(tinyCompiled.outputLabel) && !acc.keys.contains("one"))
        #expect(acc.values.allSatisfy { $0.count == k + 1 && $0.allSatisfy { $0 == nil || (0...1).contains($0!) } })
        #expect(acc["tokens"]?.allSatisfy { $0 != nil } == true && acc[tinyCompiled.outputLabel]?.first == .some(nil))
        #expect(s.scored?.examples == 4 && s.scored?.fit_examples == 6 && s.scored?.too_long == 1 && s.scored?.fit_too_long == 0)
        #expect(try DecodeSummary.read(o.out) == s)
        let bundle = try readBundle(o.outFigures)
        #expect(bundle.map(\.name) == ["raw", "adapted", "table"].flatMap { p in ["svg", "png"].map { "example-0-\(p).\($0)" } }
                + ["raw", "adapted", "table"].flatMap { p in ["svg", "png"].map { "example-1-\(p).\($0)" } })
        #expect(bundle.filter { $0.name.hasSuffix(".png") }.allSatisfy { Array($0.bytes.prefix(8)) == pngSignature })
        #expect(bundle.filter { $0.name.hasSuffix(".svg") }.allSatisfy { $0.bytes.starts(with: Array("<svg".utf8)) })

        // Same inputs → the same numbers and figure bytes (only wall times differ).
        let again = try runDecode(options(f, out: "tiny-b"))
        var (x, y) = (s, again)
        x.wall_seconds = [:]; y.wall_seconds = [:]
        #expect(x == y)
        #expect(try Data(contentsOf: URL(fileURLWithPath: o.outFigures)) == (try Data(contentsOf: URL(fileURLWithPath: temporaryPath("tiny-b.tar")))))
    }

    /// An adapter trained with distill's --layer-stride: decode reads the LM residuals it names for
    /// the injected model and for the control, and the examples at the last of them.
    @Test func stridedAdapterReadsItsResiduals() throws {
        let f = try Self.fixture.get()
        let k = tinyCompiled.layers.count
        let residuals = (0...k).map { 2 * $0 }
        try #require(residuals.last! <= 4, "the tiny LM has 4 blocks")
        let strided = temporaryPath("strided-adapter.safetensors")
        try AdapterFile.write(Adapter(lmWidth: 16, compiledWidth: tinyCompiled.width, seed: 5),
                              info: AdapterInfo(layers: k, outputDims: tinyCompiled.output.dims, residuals: residuals), to: strided)
        var o = options(f, out: "tiny-strided")
        o.adapter = strided
        var lines: [String] = []
        let s = try runDecode(o) { lines.append($0) }
        #expect(s.examples.allSatisfy { $0.layer == 2 * k })
        #expect(lines.contains { $0.contains("LM residuals \(residuals)") }, "\(lines)")
        let plain = try runDecode(options(f, out: "tiny-unstrided"))
        #expect(try #require(s.accuracy.value) != (try #require(plain.accuracy.value)))
    }

    @Test func leastSquaresAdapterWhenNoneIsGiven() throws {
        let f = try Self.fixture.get()
        var o = options(f, out: "tiny-fit")
        o.adapter = nil; o.baselineWeights = nil; o.method = "baseline"
        let s = try runDecode(o)
        #expect(s.scored?.fit_examples == 6 && (s.scored?.fit_rows ?? 0) > 6)
        #expect(s.control == nil && s.accuracy.value != nil)
    }

    @Test func errorsAreClear() throws {
        let f = try Self.fixture.get()
        var o = options(f, out: "tiny-err")
        let wrong = temporaryPath("wrong-adapter.safetensors")
        try AdapterFile.write(Adapter(lmWidth: 16, compiledWidth: tinyCompiled.width, seed: 5),
                              info: AdapterInfo(layers: 9, outputDims: []), to: wrong)
        o.adapter = wrong
        do { try runDecode(o); Issue.record("expected an error") } catch { #expect("\(error)".contains("over layers 0...9")) }
        o.adapter = nil; o.train = nil
        do { try runDecode(o); Issue.record("expected an error") } catch { #expect("\(error)".contains("give --adapter")) }
        o = options(f, out: "tiny-err"); o.test = f.compiled
        #expect { try runDecode(o) } throws: { "\($0)".contains("tiny.safetensors is not a valid task data file") }
        #expect(!FileManager.default.fileExists(atPath: o.out))
    }

    @Test func realModelAndPaperDyck() throws {
        let gguf = try defaultModelFile(root: repoRoot, cacheDir: FileManager.default.temporaryDirectory.path + "/graft-lm-test-cache")
        let source = try String(contentsOfFile: repoRoot + "/stages/programs/shuffle_dyck.rasp", encoding: .utf8)
        let model = try compile(source: source, file: "shuffle_dyck.rasp", vocab: compiledVocabulary(.dyck), maxSeqLen: 40, causal: true)
        let compiled = temporaryPath("dyck.safetensors"), adapter = temporaryPath("dyck-adapter.safetensors")
        try writeCompiledModel(model, to: compiled)
        try AdapterFile.write(Adapter(lmWidth: 576, compiledWidth: 684, seed: 1), info: AdapterInfo(layers: 7, outputDims: model.output.dims), to: adapter)
        var o = DecodeOptions(task: .dyck, method: "injection", profile: .smoke, compiled: compiled,
                              out: temporaryPath("real.json"), outFigures: temporaryPath("real.tar"))
        o.model = gguf; o.adapter = adapter
        let s = try runDecode(o)
        let e = try #require(s.examples.first)
        #expect(e.prompt == "Are parenthesis here correctly matched? [(])\nAnswer:")
        #expect(e.tokens.count == 15 && e.tokens.last == ":" && e.layer == 7)
        let final = try #require(e.variables.firstIndex(of: model.outputLabel))
        #expect(model.outputLabel.hasPrefix("final_result"))
        #expect(e.truth.map { $0[final] } == Array(repeating: "False", count: 14) + ["True"])   // the paper's Fig. 6
        if case .notRun(let r) = s.accuracy { #expect(r.contains("--test")) } else { Issue.record("accuracy should be not run") }
    }
}
