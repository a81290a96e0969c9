// Self-describing payloads. Every structured payload carries its format name and version:
// canonical JSON documents as top-level "format"/"version" keys, JSON Lines as a header line,
// tensor bundles (safetensors layout) in the header's __metadata__. `PayloadKind.detect`
// recognises these and PNG, SVG, UTF-8 text and plain binary, for `pipeline show`.
import Foundation
import JSONText

// MARK: - Canonical JSON documents

/// A canonical JSON document `{"format": name, "version": v, …body}`.
public func jsonDocument(format: String, version: Int, _ body: [String: JSONValue]) throws -> [UInt8] {
    var o = body
    o["format"] = .string(format)
    o["version"] = .int(Int64(version))
    return try CanonicalJSON.encode(.object(o))
}

/// Parses a JSON document and checks its format name and version; the error says what was found.
public func readJSONDocument(_ bytes: [UInt8], format: String, version: Int, source: String) throws -> JSONValue {
    let v: JSONValue
    do { v = try parseJSON(bytes: bytes) } catch { throw StoreError.format("\(source): not JSON (\(error))") }
    try checkFormat(v, format: format, version: version, source: source)
    return v
}

func checkFormat(_ v: JSONValue, format: String, version: Int, source: String) throws {
    guard let f = v["format"]?.stringValue else { throw StoreError.format("\(source): no \"format\" field (expected \(format))") }
    guard f == format else { throw StoreError.format("\(source): format is \(f), expected \(format)") }
    guard let ver = v["version"]?.intValue else { throw StoreError.format("\(source): no \"version\" field") }
    guard ver == version else {
        throw StoreError.format("\(source): \(format) version \(ver), this graft reads version \(version); rerun the stage that writes it")
    }
}

// MARK: - JSON Lines

/// Writes JSON Lines: a header line `{"format":…,"version":…}` then one canonical record per line.
public struct JSONLWriter {
    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0

    public init(format: String, version: Int, header: [String: JSONValue] = [:]) throws {
        var h = header
        h["format"] = .string(format)
        h["version"] = .int(Int64(version))
        bytes = try CanonicalJSON.encode(.object(h))
        bytes.append(0x0A)
    }

    public mutating func append(_ record: JSONValue) throws {
        bytes.append(contentsOf: try CanonicalJSON.encode(record))
        bytes.append(0x0A)
        count += 1
    }
}

/// Reads JSON Lines written by `JSONLWriter`, checking the header's format and version.
public struct JSONLReader {
    public let header: JSONValue
    public let records: [JSONValue]

    public init(_ bytes: [UInt8], format: String, version: Int, source: String) throws {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first else { throw StoreError.format("\(source): empty (expected a \(format) header line)") }
        do { header = try parseJSON(bytes: Array(first)) } catch { throw StoreError.format("\(source):1: header is not JSON (\(error))") }
        try checkFormat(header, format: format, version: version, source: source)
        var out: [JSONValue] = []
        out.reserveCapacity(lines.count - 1)
        for (n, line) in lines.dropFirst().enumerated() {
            do { out.append(try parseJSON(bytes: Array(line))) } catch {
                throw StoreError.format("\(source):\(n + 2): \(error)")
            }
        }
        records = out
    }
}

// MARK: - Recognising a payload

public enum PayloadKind: Equatable, CustomStringConvertible {
    case json(format: String?, version: Int64?)
    case jsonLines(format: String, version: Int64?)
    case tensorBundle(format: String?, version: String?, tensors: Int)
    case png, svg, text, binary

    public var description: String {
        switch self {
        case .json(let f, let v): f.map { "JSON \($0) v\(v ?? 0)" } ?? "JSON (no format field)"
        case .jsonLines(let f, let v): "JSON Lines \(f) v\(v ?? 0)"
        case .tensorBundle(let f, let v, let n): "tensor bundle (safetensors) \(f ?? "?") v\(v ?? "?"), \(n) tensors"
        case .png: "PNG image"
        case .svg: "SVG image"
        case .text: "UTF-8 text"
        case .binary: "binary"
        }
    }

    /// Looks at the first bytes of a payload (pass at least the first 64 KiB for safetensors headers).
    public static func detect(_ bytes: [UInt8]) -> PayloadKind {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
        if bytes.count >= 8 {
            let n = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            if n > 1, n < UInt64(bytes.count - 7), bytes[8] == UInt8(ascii: "{"),
               let header = try? parseJSON(bytes: Array(bytes[8..<8 + Int(n)])), let o = header.objectValue {
                let meta = o["__metadata__"]
                return .tensorBundle(format: meta?["format"]?.stringValue, version: meta?["version"]?.stringValue,
                                     tensors: o.keys.filter { $0 != "__metadata__" }.count)
            }
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            let trimmed = text.drop(while: { $0.isWhitespace })
            if trimmed.hasPrefix("<svg") || (trimmed.hasPrefix("<?xml") && text.contains("<svg")) { return .svg }
            if let v = try? parseJSON(text) { return .json(format: v["format"]?.stringValue, version: v["version"]?.intValue) }
            if let firstLine = text.split(separator: "\n").first, let h = try? parseJSON(String(firstLine)),
               let f = h["format"]?.stringValue {
                return .jsonLines(format: f, version: h["version"]?.intValue)
            }
            return .text
        }
        return .binary
    }
}
