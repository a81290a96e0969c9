// What the report reads: the distill summary and log, evaluate's metrics.json and decode's
// decode.json and figure bundle of each task × method (schemas in docs/report.md), each named on
// the command line as `task/method=FILE`. Every file is checked for its format and version; a
// part that did not run (`{"not_run": reason}`) is kept with its reason.
import Crypto
import Decoding
import Foundation

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

// MARK: - The stage files

public struct Fraction: Codable, Sendable, Equatable { public var correct: Int; public var total: Int; public var value: Double }

public struct Perplexity: Codable, Sendable, Equatable {
    public var lines: Int, tokens: Int, mean_per_line: Double, token_weighted: Double
}

public struct NoisePoint: Codable, Sendable, Equatable {
    public var subspace: String, norm: Double, relative: Bool, accuracy: Fraction
}

public struct Noise: Codable, Sendable, Equatable {
    public var block: Int, mean_residual_norm: Double, points: [NoisePoint]
}

public struct ModelInfo: Codable, Sendable, Equatable { public var spec: String; public var weights_sha256: String? }

/// evaluate's metrics.json ("graft-evaluation", version 1).
public struct Evaluation: Codable, Sendable, Equatable {
    public var format: String, version: Int, task: String, method: String, profile: String
    public var model: ModelInfo?
    public var accuracy: Part<Fraction>?
    public var ood: Part<[String: Part<Fraction>]>?
    public var perplexity: Part<Perplexity>?
    public var sst2: Part<Fraction>?, mrpc: Part<Fraction>?, lambada: Part<Fraction>?
    public var noise: Part<Noise>?
    public var wall_seconds: [String: Double]?
    public static let format = "graft-evaluation"
}

public struct FinalLosses: Codable, Sendable, Equatable { public var loss: Double?, ce: Double?, alg: Double?, kl: Double? }
public struct AccuracyPoint: Codable, Sendable, Equatable { public var step: Int, accuracy: Double }

/// distill's summary.json ("graft-distill-summary", version 1).
public struct DistillSummary: Codable, Sendable, Equatable {
    public var format: String, version: Int, task: String, method: String, profile: String
    public var steps: Int
    public var final: FinalLosses
    public var cosine_per_layer: [Double]?
    public var wall_seconds: Double?, tokens_per_second: Double?, seconds_per_step: Double?
    public var peak_rss_bytes: Double?
    /// Exact-match accuracy on held-out training examples every `--validate-every` steps (distill's name).
    public var validation_accuracy_curve: [AccuracyPoint]?
    /// The same with detach-and-roll active (injection only): does the answer pass through the subspace?
    public var validation_accuracy_rolled_curve: [AccuracyPoint]?
    public static let format = "graft-distill-summary"
}

/// One line of distill's log.jsonl.
public struct LogStep: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double?, ce: Double?, alg: Double?, kl: Double?
    public var cos: [Double]?
    public var seconds: Double?
}

/// A file the report read: where from and its SHA-256.
public struct InputFile: Codable, Sendable, Equatable {
    public var role: String, path: String, sha256: String, bytes: Int
}

/// Everything `report build` reads; absent entries become "not run" cells.
public struct ReportInputs: Sendable {
    public var evaluations: [RunKey: Evaluation] = [:]
    public var distill: [RunKey: DistillSummary] = [:]
    public var logs: [RunKey: [LogStep]] = [:]
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
    do { return try JSONDecoder().decode(T.self, from: data) } catch {
        throw ReportError("\(path): not a readable \(what) (\(error)); rerun the stage that made it")
    }
}

extension ReportInputs {
    public mutating func addEvaluation(_ key: RunKey, path: String) throws {
        let e = try decodeJSON(Evaluation.self, try readBytes(path, role: "evaluation \(key)", files: &files), path: path, what: "evaluate metrics.json")
        guard e.format == Evaluation.format, e.version == 1 else {
            throw ReportError("\(path): format \(e.format) version \(e.version), expected \(Evaluation.format) version 1")
        }
        guard e.task == key.task.rawValue, e.method == key.method.rawValue else {
            throw ReportError("\(path): holds \(e.task)/\(e.method) but was given as \(key)")
        }
        evaluations[key] = e
    }

    public mutating func addDistill(_ key: RunKey, path: String) throws {
        let s = try decodeJSON(DistillSummary.self, try readBytes(path, role: "distill summary \(key)", files: &files), path: path, what: "distill summary.json")
        guard s.format == DistillSummary.format, s.version == 1 else {
            throw ReportError("\(path): format \(s.format) version \(s.version), expected \(DistillSummary.format) version 1")
        }
        guard s.task == key.task.rawValue, s.method == key.method.rawValue else {
            throw ReportError("\(path): holds \(s.task)/\(s.method) but was given as \(key)")
        }
        distill[key] = s
    }

    public mutating func addLog(_ key: RunKey, path: String) throws {
        let data = try readBytes(path, role: "distill log \(key)", files: &files)
        var steps: [LogStep] = []
        for (i, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            steps.append(try decodeJSON(LogStep.self, Data(line), path: "\(path):\(i + 1)", what: "distill log line"))
        }
        logs[key] = steps
    }

    public mutating func addDecode(_ key: RunKey, path: String) throws {
        _ = try readBytes(path, role: "decode \(key)", files: &files)
        let d: DecodeSummary
        do { d = try DecodeSummary.read(path) } catch { throw ReportError("\(error)") }
        guard d.task == key.task.rawValue, d.method == key.method.rawValue else {
            throw ReportError("\(path): holds \(d.task)/\(d.method) but was given as \(key)")
        }
        decodes[key] = d
    }

    public mutating func addDecodeFigures(_ key: RunKey, path: String) throws {
        _ = try readBytes(path, role: "decode figures \(key)", files: &files)
        do { decodeFigures[key] = try readBundle(path) } catch { throw ReportError("\(error)") }
    }
}
