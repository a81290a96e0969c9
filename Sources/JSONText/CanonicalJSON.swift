// Canonical JSON: the one byte encoding of a JSON value that graft hashes and stores. Keys are
// sorted by their UTF-8 bytes, there is no insignificant whitespace, strings escape only what
// JSON requires, and numbers have one spelling: integral values as integers, others as the
// shortest text that reads back to the same Double. Non-finite numbers are refused. One
// variant keeps doubles distinct from integers, for the compiled-model metadata (see
// DoubleSpelling).

public struct CanonicalJSONError: Error, CustomStringConvertible {
    public let description: String
}

/// How the encoder spells a `.double`.
public enum DoubleSpelling: Sendable {
    /// Integral values as integers ("1"), others as the shortest round-trip text; non-finite
    /// values are refused. What graft hashes and stores.
    case canonical
    /// Always the shortest round-trip text with a fraction or an exponent ("1.0", "1e-07"), so
    /// a double reads back as a double; non-finite values as null. The compiled-model metadata
    /// and `compile-rasp eval` use it, because RASP's 1 and 1.0 are different values.
    case keepingKind
}

public enum CanonicalJSON {
    /// Compact canonical bytes (what is hashed and stored).
    public static func encode(_ value: JSONValue, doubles: DoubleSpelling = .canonical) throws(CanonicalJSONError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(value, into: &out, indent: nil, level: 0, doubles: doubles)
        return out
    }

    public static func string(_ value: JSONValue, doubles: DoubleSpelling = .canonical) throws(CanonicalJSONError) -> String {
        String(decoding: try encode(value, doubles: doubles), as: UTF8.self)
    }

    /// The same order and spellings with two-space indentation and a final newline, for files
    /// people read and diff (pipeline.lock).
    public static func pretty(_ value: JSONValue) throws(CanonicalJSONError) -> [UInt8] {
        var out: [UInt8] = []
        try write(value, into: &out, indent: 2, level: 0, doubles: .canonical)
        out.append(0x0A)
        return out
    }

    /// The canonical spelling of a number.
    public static func number(_ d: Double) throws(CanonicalJSONError) -> String {
        guard d.isFinite else { throw CanonicalJSONError(description: "cannot encode \(d) in JSON (only finite numbers)") }
        if d == 0 { return "0" }
        if d.rounded() == d && abs(d) < 0x1p53 { return String(Int64(d)) }
        return "\(d)"
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int?, level: Int, doubles: DoubleSpelling) throws(CanonicalJSONError) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d) where doubles == .keepingKind: out.append(contentsOf: (d.isFinite ? d.description : "null").utf8)
        case .double(let d): out.append(contentsOf: try number(d).utf8)
        case .string(let s): appendJSONString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                try write(item, into: &out, indent: indent, level: level + 1, doubles: doubles)
            }
            if !items.isEmpty { newline(&out, indent, level) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (k, key) in keys.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                appendJSONString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                try write(members[key]!, into: &out, indent: indent, level: level + 1, doubles: doubles)
            }
            if !keys.isEmpty { newline(&out, indent, level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent * level))
    }
}
