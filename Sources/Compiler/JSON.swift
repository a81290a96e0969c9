// A small JSON value with canonical output (sorted keys, integers without a decimal point,
// floats in shortest round-trip form) and a strict parser, for the compiled model's metadata
// without Foundation.
import RASP

public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let f): return f.isFinite ? f.description : "null"
        case .string(let s): return JSON.quote(s)
        case .array(let xs): return "[" + xs.map(\.text).joined(separator: ",") + "]"
        case .object(let m):
            let keys = m.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            return "{" + keys.map { JSON.quote($0) + ":" + m[$0]!.text }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    public subscript(key: String) -> JSON? { if case .object(let m) = self { m[key] } else { nil } }
    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var int: Int? { if case .int(let i) = self { i } else { nil } }
    public var double: Double? {
        switch self { case .int(let i): Double(i); case .float(let f): f; default: nil }
    }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }

    /// A RASP value as JSON (None → null).
    public init(_ v: Value?) {
        switch v {
        case nil: self = .null
        case .bool(let b)?: self = .bool(b)
        case .int(let i)?: self = .int(i)
        case .float(let f)?: self = .float(f)
        case .string(let s)?: self = .string(s)
        }
    }

    public var value: Value? {
        switch self {
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .float(let f): .float(f)
        case .string(let s): .string(s)
        default: nil
        }
    }

    public static func parse(_ text: String) throws(CompileError) -> JSON {
        var p = JSONParser(chars: Array(text.unicodeScalars))
        let v = try p.value(depth: 0)
        p.skip()
        guard p.i == p.chars.count else { throw CompileError("JSON: unexpected text at offset \(p.i)") }
        return v
    }
}

private struct JSONParser {
    let chars: [Unicode.Scalar]
    var i = 0

    mutating func skip() { while i < chars.count, [" ", "\n", "\r", "\t"].contains(chars[i]) { i += 1 } }

    mutating func expect(_ s: String) throws(CompileError) {
        for c in s.unicodeScalars {
            guard i < chars.count, chars[i] == c else { throw CompileError("JSON: expected '\(s)' at offset \(i)") }
            i += 1
        }
    }

    mutating func value(depth: Int) throws(CompileError) -> JSON {
        guard depth < 64 else { throw CompileError("JSON: nested too deeply") }
        skip()
        guard i < chars.count else { throw CompileError("JSON: unexpected end") }
        switch chars[i] {
        case "n": try expect("null"); return .null
        case "t": try expect("true"); return .bool(true)
        case "f": try expect("false"); return .bool(false)
        case "\"": return .string(try string())
        case "[":
            i += 1
            var xs: [JSON] = []
            skip()
            if i < chars.count, chars[i] == "]" { i += 1; return .array(xs) }
            while true {
                xs.append(try value(depth: depth + 1))
                skip()
                guard i < chars.count else { throw CompileError("JSON: unterminated array") }
                if chars[i] == "," { i += 1; continue }
                try expect("]")
                return .array(xs)
            }
        case "{":
            i += 1
            var m: [String: JSON] = [:]
            skip()
            if i < chars.count, chars[i] == "}" { i += 1; return .object(m) }
            while true {
                skip()
                let k = try string()
                skip()
                try expect(":")
                m[k] = try value(depth: depth + 1)
                skip()
                guard i < chars.count else { throw CompileError("JSON: unterminated object") }
                if chars[i] == "," { i += 1; continue }
                try expect("}")
                return .object(m)
            }
        default:
            let start = i
            while i < chars.count, "+-0123456789.eE".unicodeScalars.contains(chars[i]) { i += 1 }
            var s = ""; s.unicodeScalars.append(contentsOf: chars[start..<i])
            if !s.contains(".") && !s.contains("e") && !s.contains("E"), let n = Int(s) { return .int(n) }
            guard let f = Double(s) else { throw CompileError("JSON: bad value at offset \(start)") }
            return .float(f)
        }
    }

    mutating func string() throws(CompileError) -> String {
        try expect("\"")
        var out = ""
        while true {
            guard i < chars.count else { throw CompileError("JSON: unterminated string") }
            let c = chars[i]; i += 1
            if c == "\"" { return out }
            if c != "\\" { out.unicodeScalars.append(c); continue }
            guard i < chars.count else { throw CompileError("JSON: bad escape") }
            let e = chars[i]; i += 1
            switch e {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "b": out += "\u{8}"
            case "f": out += "\u{c}"
            case "u":
                guard i + 4 <= chars.count else { throw CompileError("JSON: bad \\u escape") }
                var h = ""; h.unicodeScalars.append(contentsOf: chars[i..<(i + 4)])
                i += 4
                guard let code = UInt32(h, radix: 16), let u = Unicode.Scalar(code) else { throw CompileError("JSON: bad \\u escape") }
                out.unicodeScalars.append(u)
            default: out.unicodeScalars.append(e)
            }
        }
    }
}
