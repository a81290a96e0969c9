// The task data file (train.jsonl, test.jsonl, ood.jsonl): its one row type and its one reader.
// generate-data writes it (JSONLines.swift: `jsonLine`, and the byte-level `appendJSONLine` for the
// large files, both with the field names of `TaskRow.Field`); distill, evaluate and decode read it
// here. Every problem names the file and line; a file's problems are reported together.
import Foundation

/// One example of a task data file: the OOD set name (ood.jsonl only), the prompt and label, and
/// the compiled-model inputs when the data were made with an LM tokenizer (`--model`).
public struct TaskRow: Sendable, Equatable {
    public var set: String?
    public var prompt: String
    public var label: String
    public var compiled: CompiledInput?

    public init(prompt: String, label: String, set: String? = nil, compiled: CompiledInput? = nil) {
        self.prompt = prompt; self.label = label; self.set = set; self.compiled = compiled
    }

    /// The JSON field names, in the order generate-data writes them.
    public enum Field: String, CaseIterable {
        case set, prompt, label
        case lmTokens = "lm_tokens", promptTokens = "prompt_tokens", compiledTokens = "compiled_tokens"
        case lmToCompiled = "lm_to_compiled"
    }
}

public struct TaskFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// What a reader needs of each row.
public struct TaskFileNeeds: Sendable {
    /// The compiled inputs (distill, decode); without them a row is refused with a pointer to `--model`.
    public var compiled = false
    /// The `set` field (ood.jsonl).
    public var set = false
    /// Each row must be an example of this task (its prompt and label pass the task's check).
    public var task: TaskKind?
    public init(compiled: Bool = false, set: Bool = false, task: TaskKind? = nil) {
        self.compiled = compiled; self.set = set; self.task = task
    }
}

private struct Line: Decodable {
    var set: String?
    var prompt: String?
    var label: String?
    var lm_tokens: [Int]?
    var prompt_tokens: Int?
    var compiled_tokens: [String]?
    var lm_to_compiled: [Int]?
}

/// The rows of a task data file, at most `limit` of those `accept` takes (lines after the last row
/// needed are not parsed), and how many `accept` refused on the way. Problems of every line read
/// are collected and thrown together (the first 20 shown), each as file:line and what is wrong.
public func readTaskFile(_ path: String, needs: TaskFileNeeds, limit: Int = .max,
                         accept: (TaskRow) -> Bool = { _ in true }) throws -> (rows: [TaskRow], refused: Int) {
    let madeBy = "generate-data task (pipeline run data/<task>)" + (needs.compiled ? " with --model" : "")
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TaskFileError("cannot read \(path); it is made by \(madeBy)")
    }
    var rows: [TaskRow] = [], problems: [String] = []
    var refused = 0, lineNumber = 0
    let decoder = JSONDecoder()
    for bytes in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        lineNumber += 1
        if rows.count >= limit { break }
        if bytes.isEmpty || (bytes.count == 1 && bytes.first == UInt8(ascii: "\r")) { continue }
        var lineProblems: [String] = []
        func problem(_ p: String) { lineProblems.append("\(path):\(lineNumber): \(p)") }
        let l: Line
        do { l = try decoder.decode(Line.self, from: Data(bytes)) } catch {
            problems.append("\(path):\(lineNumber): \(jsonProblem(error))"); continue
        }
        if l.prompt == nil { problem("missing field \"prompt\"") }
        if l.label == nil { problem("missing field \"label\"") } else if l.label!.isEmpty { problem("empty label") }
        if needs.set && l.set == nil { problem("missing field \"set\" (the OOD set's name)") }
        var compiled: CompiledInput? = nil
        if let lm = l.lm_tokens, let p = l.prompt_tokens, let c = l.compiled_tokens, let map = l.lm_to_compiled {
            if c.first != "bos" { problem("compiled_tokens must start with \"bos\", not \(c.first.map { "\"\($0)\"" } ?? "nothing")") }
            if map.count != lm.count { problem("lm_to_compiled has \(map.count) entries for \(lm.count) lm_tokens") }
            if let bad = map.first(where: { !(1..<max(c.count, 1)).contains($0) }) {
                problem("lm_to_compiled holds \(bad); each LM token needs a compiled position 1..<\(c.count)")
            }
            if !(p > 0 && p < lm.count) { problem("prompt_tokens \(p) must lie in 1..<\(lm.count) (the answer needs a token)") }
            compiled = CompiledInput(lmTokens: lm, compiledTokens: c, lmToCompiled: map, promptTokens: p)
        } else if needs.compiled {
            problem("the example has no compiled inputs (lm_tokens, prompt_tokens, compiled_tokens, lm_to_compiled); make the data with --model so alignment is computed")
        }
        if let task = needs.task, let p = l.prompt, let label = l.label, !label.isEmpty, let issue = task.problem(prompt: p, label: label) {
            problem(issue)
        }
        problems += lineProblems
        guard lineProblems.isEmpty, let p = l.prompt, let label = l.label else { continue }
        let row = TaskRow(prompt: p, label: label, set: l.set, compiled: compiled)
        if accept(row) { rows.append(row) } else { refused += 1 }
    }
    guard problems.isEmpty else {
        let more = problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""
        throw TaskFileError("\(path) is not a valid task data file (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n  "
                            + problems.prefix(20).joined(separator: "\n  ") + more + "\nregenerate it with \(madeBy)")
    }
    guard !rows.isEmpty else {
        throw TaskFileError("\(path) has no usable examples\(refused > 0 ? " (\(refused) refused)" : ""); regenerate it with \(madeBy)")
    }
    return (rows, refused)
}

/// A JSONDecoder error in a few words (the field and what was expected), not Foundation's dump.
private func jsonProblem(_ error: Error) -> String {
    switch error {
    case DecodingError.typeMismatch(let type, let c):
        guard let field = c.codingPath.first?.stringValue else { return "expected a JSON object of a task example" }
        let expected = type == String.self ? "a string" : type == Int.self ? "an integer" : "a list" + (c.codingPath.count > 1 ? " of the right items" : "")
        return "field \"\(field)\" is not \(expected)"
    case DecodingError.dataCorrupted:
        return "not JSON"
    default:
        return "not a JSON object of a task example (\(error))"
    }
}
