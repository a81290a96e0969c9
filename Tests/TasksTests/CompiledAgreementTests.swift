// The test that ties compile-rasp and generate-data together (issue 5's acceptance): the paper
// programs, compiled with exactly pipeline.json's compile parameters and read back from the
// model file, run on every test row generate-data writes (real SmolLM2 tokenizer), give the
// label at the LM positions that predict the answer tokens.
import Compiler
import CompiledModelFile
import Foundation
import JSONText
import RASP
import Testing
@testable import Tasks
import TestSupport

let repositoryRoot = URL(fileURLWithPath: packagesDir).deletingLastPathComponent().deletingLastPathComponent().path

/// A compile stage of pipeline.json: program, vocabulary and flags, as the runner passes them.
struct CompileStage {
    var program: String
    var vocab: [String]
    var maxSeqLen: Int
    var mlpExactness: Double
    var causal: Bool
    var bos: String

    init(_ task: TaskKind) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/pipeline.json")))
        let stages = (json as? [String: Any])?["stages"] as? [String: Any]
        guard let stage = stages?["compile/\(task.rawValue)"] as? [String: Any], let params = stage["params"] as? [String: Any],
              let args = stage["args"] as? [String], let inputs = stage["inputs"] as? [String: Any],
              let program = inputs["program"] as? String, let vocab = params["vocab"] as? String,
              let maxSeqLen = params["max_seq_len"] as? Int, let exactness = params["mlp_exactness"] as? NSNumber,
              let b = args.firstIndex(of: "--bos") else {
            throw AlignmentError(description: "pipeline.json: stage compile/\(task.rawValue) lacks program, vocab, max_seq_len, mlp_exactness or --bos")
        }
        self.program = repositoryRoot + "/" + program
        self.vocab = try splitVocabulary(vocab)
        self.maxSeqLen = maxSeqLen
        mlpExactness = exactness.doubleValue
        causal = args.contains("--causal")
        bos = args[b + 1]
    }

    /// Compiles the program, writes the model file and reads it back (as distill reads it).
    func model() throws -> CompiledModel {
        let source = try String(contentsOfFile: program, encoding: .utf8)
        let m = try compile(source: source, file: program, vocab: vocab, maxSeqLen: maxSeqLen, causal: causal,
                            bos: bos, mlpExactness: mlpExactness)
        let dir = try makeTemporaryDirectory("tasks")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeCompiledModel(m, to: dir + "/model.safetensors")
        return try readCompiledModel(dir + "/model.safetensors")
    }
}

/// One data row as generate-data writes it.
struct CompiledRow {
    var prompt: String, label: String, lmTokens: [Int], promptTokens: Int, compiledTokens: [String], lmToCompiled: [Int]

    init(_ line: Data) throws {
        guard let o = try JSONSerialization.jsonObject(with: line) as? [String: Any],
              let prompt = o["prompt"] as? String, let label = o["label"] as? String, let lm = o["lm_tokens"] as? [Int],
              let p = o["prompt_tokens"] as? Int, let c = o["compiled_tokens"] as? [String], let map = o["lm_to_compiled"] as? [Int] else {
            throw AlignmentError(description: "row lacks a compiled-input field: \(String(decoding: line, as: UTF8.self))")
        }
        self.prompt = prompt; self.label = label; lmTokens = lm; promptTokens = p; compiledTokens = c; lmToCompiled = map
    }
}

@Suite(.serialized) struct CompiledAgreementTests {
    @Test(arguments: TaskKind.allCases) func compiledModelGivesTheLabelOnEveryTestExample(task: TaskKind) throws {
        let stage = try CompileStage(task)
        #expect(stage.vocab == compiledVocabulary(task) && stage.maxSeqLen == compiledMaxLength(task) && stage.causal && stage.bos == "bos")
        let model = try stage.model()
        let tokenizer = try loadTaskTokenizer(model: "default", root: repositoryRoot, task: task)

        // The default profile's test set size and distribution; dyck/count pools cut to 6,000
        // (test = min(20 % of the distinct ones, 1,000) = 1,000) to keep the training-set alignment short.
        var sizes = TaskSizes.of(task, profile: .default)
        if task != .sum { sizes.pool = 6000 }
        let dir = try makeTemporaryDirectory("tasks")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outputs = TaskOutputs(train: dir + "/train.jsonl", test: dir + "/test.jsonl", ood: dir + "/ood.jsonl", card: dir + "/card.json")
        try writeTaskData(task, profile: "default", sizes: sizes, options: OODOptions(), seed: 42, outputs: outputs, tokenizer: tokenizer)
        let rows = try Data(contentsOf: URL(fileURLWithPath: outputs.test)).split(separator: UInt8(ascii: "\n")).map { try CompiledRow(Data($0)) }
        #expect(rows.count == sizes.test)

        // Count and sum also have a variant placing the digits by their offset from the anchor
        // (docs/distill.md, "Absolute positions"): compiled with the same parameters, it must agree too.
        let relative = ["count": "count_relative.rasp", "sum": "int_sum_relative.rasp"][task.rawValue]
        var programs = [(stage.program, model)]
        if let relative {
            var r = stage
            r.program = repositoryRoot + "/stages/programs/" + relative
            programs.append((r.program, try r.model()))
        }
        for (program, model) in programs {
            let failures = try disagreements(task, model: model, rows: rows, tokenizer: tokenizer)
            #expect(failures.isEmpty, "\(failures.count) of \(rows.count) \(task.rawValue) test rows disagree with \(program), e.g. \(failures.prefix(3))")
        }
    }

    func disagreements(_ task: TaskKind, model: CompiledModel, rows: [CompiledRow], tokenizer: TaskTokenizer) throws -> [String] {
        let runner = ModelRunner(model)
        var failures: [String] = []
        for row in rows {
            let input = row.compiledTokens.dropFirst().map { Value.string($0) }
            let residual = try runner.forward(Array(input)).residuals.last!
            /// final_result at the compiled position of the LM position that predicts LM token t.
            func predicted(_ t: Int) -> Value? { model.decode(model.output, residual, position: row.lmToCompiled[t - 1]) }
            let answer = row.lmTokens[row.promptTokens...].map { tokenizer.decode($0) }
            if let problem = mismatch(task, row: row, answer: answer, predicted: predicted) {
                failures.append("\(problem) in \(jsonString(row.prompt + " " + row.label)) → \(row.compiledTokens)")
            }
        }
        return failures
    }

    /// Why the compiled output disagrees with the row's label, or nil when it agrees. Dyck:
    /// the answer is one token " yes"/" no", predicted at `compute`, where final_result is
    /// True ⇔ yes. Count/sum: the answer is an optional lone " ", predicted before the anchor,
    /// where final_result has no value (its inputs are the zero vector there), and then digit
    /// tokens (a leading space allowed on the first), each predicted where final_result holds
    /// that digit.
    func mismatch(_ task: TaskKind, row: CompiledRow, answer: [String], predicted: (Int) -> Value?) -> String? {
        let p = row.promptTokens
        if task == .dyck {
            guard answer == [" " + row.label] else { return "answer tokens \(answer)" }
            guard case .bool(let b)? = predicted(p) else { return "final_result \(String(describing: predicted(p))) is not a boolean" }
            return b == (row.label == "yes") ? nil : "final_result \(b) at compute"
        }
        var digits = ""
        for (j, token) in answer.enumerated() {
            let got = predicted(p + j)?.integer
            if token == " " && j == 0 {
                guard predicted(p) == nil else { return "final_result \(String(describing: predicted(p))) before the anchor" }
                continue
            }
            let digit = j == 0 && token.hasPrefix(" ") ? String(token.dropFirst()) : token
            guard digit.count == 1, let d = Int(digit) else { return "answer token \(jsonString(token)) is not one digit" }
            guard got == d else { return "final_result \(String(describing: got)) for answer digit \(d) (answer token \(j))" }
            digits += digit
        }
        return digits == row.label ? nil : "answer tokens spell \(digits), not the label"
    }
}
