// Reading evaluate's inputs: task examples (test.jsonl, ood.jsonl from generate-data), the
// corpora (sst2.jsonl, mrpc.jsonl, lambada.jsonl, shakespeare.txt from `generate-data corpora`).
// Every problem is an error naming the file, the line and the offending value, and how to
// regenerate the file; all problems of a file are reported at once.
import Artifacts
import Foundation
import JSONText
import Tasks

public struct EvaluationInputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// The bytes of `path`, or an error saying which stage makes it.
func readInput(_ path: String, madeBy: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw EvaluationInputError("cannot read \(path); it is made by \(madeBy)")
    }
    return [UInt8](data)
}

/// Lines of `bytes` split at "\n", a trailing "\r" removed from each (the Shakespeare works use
/// CRLF); a final empty line after the last "\n" is not a line.
func textLines(_ bytes: [UInt8]) -> [String] {
    var lines: [String] = []
    var start = 0
    for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
        if i == bytes.count && start == i { break }
        var end = i
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
        start = i + 1
    }
    return lines
}

/// Parses each non-empty line of a JSON Lines file as an object and hands it to `row`; errors
/// from every line are collected and thrown together (at most 20 shown).
func parseJSONLines<T>(_ bytes: [UInt8], file: String, madeBy: String,
                       _ row: ([String: JSONValue], (String) -> Void) -> T?) throws -> [T] {
    var out: [T] = []
    var problems: [String] = []
    for (n, line) in textLines(bytes).enumerated() where !line.isEmpty {
        let value: JSONValue
        do { value = try parseJSON(line) } catch {
            problems.append("\(file):\(n + 1): not JSON (\(error))"); continue
        }
        guard let obj = value.objectValue else { problems.append("\(file):\(n + 1): expected a JSON object, found \(value.kindName)"); continue }
        var lineProblems: [String] = []
        let item = row(obj) { lineProblems.append("\(file):\(n + 1): \($0)") }
        problems += lineProblems
        if lineProblems.isEmpty, let item { out.append(item) }
    }
    guard problems.isEmpty else {
        let shown = problems.prefix(20).joined(separator: "\n  ")
        let more = problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""
        throw EvaluationInputError("\(file) is not a valid input (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n  \(shown)\(more)\nregenerate it with \(madeBy)")
    }
    return out
}

func stringField(_ o: [String: JSONValue], _ key: String, _ problem: (String) -> Void) -> String? {
    guard let v = o[key] else { problem("missing field \"\(key)\""); return nil }
    guard let s = v.stringValue else { problem("field \"\(key)\" is \(v.kindName), expected a string"); return nil }
    return s
}

func intField(_ o: [String: JSONValue], _ key: String, _ problem: (String) -> Void) -> Int? {
    guard let v = o[key] else { problem("missing field \"\(key)\""); return nil }
    guard let i = v.intValue else { problem("field \"\(key)\" is \(v.kindName), expected an integer"); return nil }
    return Int(i)
}

/// test.jsonl or ood.jsonl rows ("prompt", "label", and "set" when `requireSet`), each checked to
/// be an example of `task`.
public func readTaskRows(_ path: String, task: TaskKind, requireSet: Bool) throws -> [TaskRow] {
    try readTaskFile(path, needs: TaskFileNeeds(set: requireSet, task: task)).rows
}

public struct SentimentRow: Sendable, Equatable {
    public var sentence: String, label: Int
    public init(sentence: String, label: Int) { self.sentence = sentence; self.label = label }
}
public struct ParaphraseRow: Sendable, Equatable {
    public var sentence1: String, sentence2: String, label: Int
    public init(sentence1: String, sentence2: String, label: Int) { self.sentence1 = sentence1; self.sentence2 = sentence2; self.label = label }
}

let corporaMadeBy = "generate-data corpora (pipeline run data/corpora)"

func checkBinary(_ label: Int?, _ problem: (String) -> Void) -> Int? {
    guard let label else { return nil }
    guard label == 0 || label == 1 else { problem("label \(label), expected 0 or 1"); return nil }
    return label
}

public func readSST2(_ path: String) throws -> [SentimentRow] {
    try parseJSONLines(try readInput(path, madeBy: corporaMadeBy), file: path, madeBy: corporaMadeBy) { o, problem in
        let s = stringField(o, SST2Row.Field.sentence.rawValue, problem)
        let l = checkBinary(intField(o, SST2Row.Field.label.rawValue, problem), problem)
        guard let s, let l else { return nil }
        return SentimentRow(sentence: s, label: l)
    }
}

public func readMRPC(_ path: String) throws -> [ParaphraseRow] {
    try parseJSONLines(try readInput(path, madeBy: corporaMadeBy), file: path, madeBy: corporaMadeBy) { o, problem in
        let a = stringField(o, MRPCRow.Field.sentence1.rawValue, problem), b = stringField(o, MRPCRow.Field.sentence2.rawValue, problem)
        let l = checkBinary(intField(o, MRPCRow.Field.label.rawValue, problem), problem)
        guard let a, let b, let l else { return nil }
        return ParaphraseRow(sentence1: a, sentence2: b, label: l)
    }
}

public func readLAMBADA(_ path: String) throws -> [String] {
    try parseJSONLines(try readInput(path, madeBy: corporaMadeBy), file: path, madeBy: corporaMadeBy) { o, problem in
        stringField(o, LambadaRow.Field.text.rawValue, problem)
    }
}

/// The lines of the Shakespeare stand-in (UTF-8 text; invalid UTF-8 is an error).
public func readShakespeareLines(_ path: String) throws -> [String] {
    let bytes = try readInput(path, madeBy: corporaMadeBy)
    guard String(validating: bytes, as: UTF8.self) != nil else {
        throw EvaluationInputError("\(path) is not UTF-8 text; regenerate it with \(corporaMadeBy)")
    }
    return textLines(bytes)
}
