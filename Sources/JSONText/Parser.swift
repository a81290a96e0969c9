// The JSON parser (RFC 8259, strict). It keeps integers exact (seeds are 64-bit), reports a
// syntax error with line and column, and can record where every value starts, so that
// validation errors in pipeline.json name the line of the offending key.

/// A position in a text: 1-based line and column (column counts Unicode scalars).
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public var description: String { "\(line):\(column)" }
}

public struct JSONParseError: Error, CustomStringConvertible, Equatable {
    public let position: TextPosition
    public let message: String
    public var description: String { "\(position): \(message)" }
}

/// A parsed document: the value and, for every value, where it starts (keyed by a path such as
/// `stages/compile\/dyck/inputs/train`; path components are joined with "/" and any "/" or "\"
/// inside a key is escaped with "\").
public struct JSONDocument: Sendable {
    public let value: JSONValue
    public let positions: [String: TextPosition]

    public static func path(_ components: [String]) -> String {
        components.map { c in
            var escaped = ""
            for u in c.unicodeScalars {
                if u == "\\" || u == "/" { escaped.unicodeScalars.append("\\") }
                escaped.unicodeScalars.append(u)
            }
            return escaped
        }.joined(separator: "/")
    }
    public func position(_ components: [String]) -> TextPosition? { positions[Self.path(components)] }
}

/// Parses JSON text (RFC 8259; no comments, no trailing commas).
public func parseJSON(_ text: String) throws(JSONParseError) -> JSONValue {
    var p = JSONParser(bytes: Array(text.utf8), recordPositions: false)
    return try p.parseDocument()
}

public func parseJSON(bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    var p = JSONParser(bytes: bytes, recordPositions: false)
    return try p.parseDocument()
}

/// Parses JSON text and records where each value starts.
public func parseJSONDocument(_ text: String) throws(JSONParseError) -> JSONDocument {
    var p = JSONParser(bytes: Array(text.utf8), recordPositions: true)
    let v = try p.parseDocument()
    return JSONDocument(value: v, positions: p.positions)
}

struct JSONParser {
    let bytes: [UInt8]
    let recordPositions: Bool
    var i = 0
    var path: [String] = []
    var positions: [String: TextPosition] = [:]
    var depth = 0

    init(bytes: [UInt8], recordPositions: Bool) {
        self.bytes = bytes
        self.recordPositions = recordPositions
    }

    func position(of offset: Int) -> TextPosition {
        var line = 1, lineStart = 0
        for k in 0..<min(offset, bytes.count) where bytes[k] == 0x0A { line += 1; lineStart = k + 1 }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).unicodeScalars.count + 1
        return TextPosition(line: line, column: column)
    }

    func fail(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(position: position(of: offset ?? i), message: message)
    }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let v = try parseValue()
        skipWhitespace()
        if i < bytes.count { throw fail("unexpected \(describe(i)) after the end of the JSON value") }
        return v
    }

    func describe(_ k: Int) -> String {
        guard k < bytes.count else { return "end of text" }
        let b = bytes[k]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte " + hexByte(b)
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard i < bytes.count else { throw fail("expected a value but the text ended") }
        if recordPositions { positions[JSONDocument.path(path)] = position(of: i) }
        depth += 1
        defer { depth -= 1 }
        if depth > 512 { throw fail("nesting deeper than 512 levels") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("expected a value, found \(describe(i))")
        }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw fail("invalid literal (expected '\(word)')")
        }
        i += w.count
        return value
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        let start = i
        i += 1
        var result: [String: JSONValue] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result) }
        while true {
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated object (opened at \(position(of: start)))") }
            guard bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key, found \(describe(i))") }
            let keyOffset = i
            let key = try parseString()
            if result[key] != nil { throw fail("duplicate key \"\(key)\"", at: keyOffset) }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\", found \(describe(i))") }
            i += 1
            skipWhitespace()
            path.append(key)
            let v = try parseValue()
            path.removeLast()
            result[key] = v
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated object (opened at \(position(of: start)))") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result) }
            throw fail("expected ',' or '}' in object, found \(describe(i))")
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        let start = i
        i += 1
        var result: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(result) }
        while true {
            skipWhitespace()
            path.append(String(result.count))
            let v = try parseValue()
            path.removeLast()
            result.append(v)
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated array (opened at \(position(of: start)))") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(result) }
            throw fail("expected ',' or ']' in array, found \(describe(i))")
        }
    }

    mutating func parseString() throws(JSONParseError) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("unterminated string (opened at \(position(of: start)))", at: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw fail("control character \(hexByte(b)) inside a string (escape it)") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate \\u\(String(scalar, radix: 16))")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid low surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate \\u\(String(scalar, radix: 16))")
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
            default: throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: i - 2)
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8", at: start) }
        return s
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = i
        var isInteger = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.i
            while p.i < p.bytes.count, p.bytes[p.i] >= 48, p.bytes[p.i] <= 57 { p.i += 1 }
            return p.i - s
        }
        let intStart = i
        let n = digits(&self)
        if n == 0 { throw fail("invalid number: expected a digit") }
        if n > 1 && bytes[intStart] == UInt8(ascii: "0") { throw fail("invalid number: leading zero", at: intStart) }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            if digits(&self) == 0 { throw fail("invalid number: expected a digit after '.'") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            if digits(&self) == 0 { throw fail("invalid number: expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if isInteger, let v = Int64(text) { return .int(v) }
        guard let d = Double(text), d.isFinite else { throw fail("number \(text) is out of range", at: start) }
        return .double(d)
    }
}

/// "0x0A" for 10: a byte as two uppercase hex digits, for error messages.
func hexByte(_ b: UInt8) -> String {
    let hex = String(b, radix: 16, uppercase: true)
    return "0x" + (hex.count < 2 ? "0" : "") + hex
}
