// The file types that pass between stages, each defined once here and used by its writer and by
// every reader (issue 16: a field renamed on one side only used to become a silent nil on the
// other). Field names are the files' keys, so the Swift names are snake_case where the JSON is.
// Schemas in docs/distill.md (summary), docs/evaluation.md (metrics.json) and docs/report.md.
import Foundation
import JSONText

/// A part of a stage's output that may not have run: its value, or why not (`{"not_run": reason}`).
public enum Part<T: Sendable & Equatable>: Sendable, Equatable {
    case value(T)
    case notRun(String)

    public var value: T? { if case .value(let v) = self { return v }; return nil }

    /// The same part with its value transformed (a reason stays as it is).
    public func map<U>(_ transform: (T) -> U) -> Part<U> {
        switch self {
        case .value(let v): .value(transform(v))
        case .notRun(let r): .notRun(r)
        }
    }
}

extension Part: Codable where T: Codable {
    private struct Reason: Codable { var not_run: String }

    public init(from decoder: Decoder) throws {
        if let r = try? Reason(from: decoder) { self = .notRun(r.not_run); return }
        self = .value(try T(from: decoder))
    }
    public func encode(to encoder: Encoder) throws {
        switch self {
        case .value(let v): try v.encode(to: encoder)
        case .notRun(let r): try Reason(not_run: r).encode(to: encoder)
        }
    }
}

/// A stage file's value as canonical JSON: through `Encodable`, so the bytes hold exactly the
/// type's fields (nil optionals left out), in JSONText's canonical form.
public func canonicalJSON<T: Encodable>(_ value: T) throws -> JSONValue {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    e.nonConformingFloatEncodingStrategy = .throw
    return try parseJSON(bytes: [UInt8](try e.encode(value)))
}

/// Reads a stage file of type `T`; the error names the file and what made it.
public func readStageFile<T: Decodable>(_ type: T.Type, from data: Data, path: String, what: String) throws -> T {
    do { return try JSONDecoder().decode(T.self, from: data) } catch {
        throw StageFileError("\(path): not a readable \(what) (\(error)); rerun the stage that made it")
    }
}

/// Reads a JSON Lines stage file of `T`, one value per line; an error names the file and line.
public func readStageLines<T: Decodable>(_ type: T.Type, from data: Data, path: String, what: String) throws -> [T] {
    try data.split(separator: UInt8(ascii: "\n")).enumerated().map { i, line in
        try readStageFile(T.self, from: Data(line), path: "\(path):\(i + 1)", what: what)
    }
}

public struct StageFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
