// What the report reads: the distill summary and log, evaluate's metrics.json and decode's
// decode.json and figure bundle of each task × method (schemas in docs/report.md), each named on
// the command line as `task/method=FILE`. Every file is checked for its format and version; a
// part that did not run (`{"not_run": reason}`) is kept with its reason.
import Crypto
import Decoding
import Foundation
import StageFiles

public struct ReportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public enum TaskName: String, CaseIterable, Sendable, Codable, Comparable {
    case dyck, sum, count           // the paper's table order
    public var title: String { switch self { case .dyck: "Shuffle Dyck"; case .sum: "Integer Addition"; case .count: "Count" } }
    public static func < (a: TaskName, b: TaskName) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum MethodName: String, CaseIterable, Sendable, Codable, Comparable {
    case none, baseline, injection  // the paper's table order
    public var title: String { switch self { case .none: "No editing"; case .baseline: "Finetuning + KL"; case .injection: "Tracr Injection" } }
    public static func < (a: MethodName, b: MethodName) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One task × method cell of the report.
public struct RunKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var task: TaskName
    public var method: MethodName
    public init(_ task: TaskName, _ method: MethodName) { self.task = task; self.method = method }
    public var description: String { "\(task.rawValue)/\(method.rawValue)" }
    public static func < (a: RunKey, b: RunKey) -> Bool { (a.task, a.method) < (b.task, b.method) }

    /// Parses "task/method" (e.g. "dyck/injection").
    public init(parsing s: String, flag: String) throws {
        let parts = s.split(separator: "/").map(String.init)
        guard parts.count == 2, let t = TaskName(rawValue: parts[0]), let m = MethodName(rawValue: parts[1]) else {
            throw ReportError("\(flag) \(s): expected task/method with task in dyck|sum|count and method in none|baseline|injection")
        }
        self.init(t, m)
    }
}

/// Parses "task/method=FILE".
public func parseKeyedFile(_ s: String, flag: String) throws -> (RunKey, String) {
    guard let eq = s.firstIndex(of: "="), !s[s.index(after: eq)...].isEmpty else {
        throw ReportError("\(flag) \(s): expected task/method=FILE")
    }
    return (try RunKey(parsing: String(s[..<eq]), flag: flag), String(s[s.index(after: eq)...]))
}

// The stage files' types (DistillSummary, DistillLogLine, EvaluationFile, EvaluationTimingFile)
// are StageFiles', the same definitions their writers encode.

/// A file the report read: where from and its SHA-256.
public struct InputFile: Codable, Sendable, Equatable {
    public var role: String, path: String, sha256: String, bytes: Int
}

/// Everything `report build` reads; absent entries become "not run" cells.
public struct ReportInputs: Sendable {
    public var evaluations: [RunKey: EvaluationFile] = [:]
    public var evaluationTimings: [RunKey: EvaluationTimingFile] = [:]
    public var distill: [RunKey: DistillSummary] = [:]
    public var logs: [RunKey: [DistillLogLine]] = [:]
    public var decodes: [RunKey: DecodeSummary] = [:]
    public var decodeFigures: [RunKey: [BundleFile]] = [:]
    public var files: [InputFile] = []
    public init() {}
}

func readBytes(_ path: String, role: String, files: inout [InputFile]) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ReportError("\(role): cannot read \(path)")
    }
    let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    files.append(InputFile(role: role, path: path, sha256: digest, bytes: data.count))
    return data
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ data: Data, path: String, what: String) throws -> T {
    do { return try readStageFile(T.self, from: data, path: path, what: what) } catch { throw ReportError("\(error)") }
}

/// A stage file's (format, version) must be the one this report reads.
func requireFormat(_ path: String, _ got: (String, Int), _ want: (String, Int)) throws {
    guard got == want else { throw ReportError("\(path): format \(got.0) version \(got.1), expected \(want.0) version \(want.1)") }
}

/// A stage file's (task, method) must be the run it was given as.
func requireRun(_ path: String, _ holds: (task: String, method: String), _ key: RunKey) throws {
    guard holds.task == key.task.rawValue, holds.method == key.method.rawValue else {
        throw ReportError("\(path): holds \(holds.task)/\(holds.method) but was given as \(key)")
    }
}

extension ReportInputs {
    public mutating func addEvaluation(_ key: RunKey, path: String) throws {
        let e = try decodeJSON(EvaluationFile.self, try readBytes(path, role: "evaluation \(key)", files: &files), path: path, what: "evaluate metrics.json")
        try requireFormat(path, (e.format, e.version), (EvaluationFile.format, EvaluationFile.version))
        try requireRun(path, (e.task, e.method), key)
        evaluations[key] = e
    }

    public mutating func addDistill(_ key: RunKey, path: String) throws {
        let s = try decodeJSON(DistillSummary.self, try readBytes(path, role: "distill summary \(key)", files: &files), path: path, what: "distill summary.json")
        try requireFormat(path, (s.format, s.version), (DistillSummary.format, DistillSummary.version))
        try requireRun(path, (s.task, s.method), key)
        distill[key] = s
    }

    public mutating func addLog(_ key: RunKey, path: String) throws {
        let data = try readBytes(path, role: "distill log \(key)", files: &files)
        do { logs[key] = try readStageLines(DistillLogLine.self, from: data, path: path, what: "distill log line") } catch {
            throw ReportError("\(error)")
        }
    }

    /// evaluate's timing.json (wall seconds per part) of one run.
    public mutating func addEvaluationTiming(_ key: RunKey, path: String) throws {
        let t = try decodeJSON(EvaluationTimingFile.self, try readBytes(path, role: "evaluation timing \(key)", files: &files), path: path, what: "evaluate timing.json")
        try requireFormat(path, (t.format, t.version), (EvaluationTimingFile.format, EvaluationTimingFile.version))
        evaluationTimings[key] = t
    }

    public mutating func addDecode(_ key: RunKey, path: String) throws {
        _ = try readBytes(path, role: "decode \(key)", files: &files)
        let d: DecodeSummary
        do { d = try DecodeSummary.read(path) } catch { throw ReportError("\(error)") }
        try requireRun(path, (d.task, d.method), key)
        decodes[key] = d
    }

    public mutating func addDecodeFigures(_ key: RunKey, path: String) throws {
        _ = try readBytes(path, role: "decode figures \(key)", files: &files)
        do { decodeFigures[key] = try readBundle(path) } catch { throw ReportError("\(error)") }
    }
}
