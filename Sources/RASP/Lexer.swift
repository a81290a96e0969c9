// Tokens of the textual .rasp language: identifiers, keywords, numbers, strings, operators,
// newlines (statement ends) and comments (`#` to end of line). Every token records its
// 1-based line and column for error messages (file:line:col).

public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var description: String { "\(line):\(column)" }
}

/// An error in a .rasp file, located at file:line:column.
public struct RASPError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation?
    public var message: String
    public init(file: String, at location: SourceLocation?, _ message: String) {
        self.file = file
        self.location = location
        self.message = message
    }
    public var description: String {
        if let l = location { return "\(file):\(l.line):\(l.column): error: \(message)" }
        return "\(file): error: \(message)"
    }
}

enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case integer(Int)
    case float(Double)
    case string(String)
    case symbol(String)
    case newline
    case end
}

struct Token: Sendable {
    var kind: TokenKind
    var location: SourceLocation
    var offset: Int          // index into the source's unicode scalars
    var endOffset: Int

    var describe: String {
        switch kind {
        case .identifier(let s): "'\(s)'"
        case .integer(let i): "number \(i)"
        case .float(let f): "number \(f)"
        case .string(let s): "string \"\(s)\""
        case .symbol(let s): "'\(s)'"
        case .newline: "end of line"
        case .end: "end of file"
        }
    }
}

private let symbols3: Set<String> = []
private let symbols2: Set<String> = ["==", "!=", "<=", ">=", "->", "//", "**"]
private let symbols1: Set<Character> = ["(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "<", ">", "+", "-", "*", "/", "%", "&", "|", "~", "."]

func tokenize(_ source: String, file: String) throws(RASPError) -> [Token] {
    let chars = Array(source.unicodeScalars)
    var tokens: [Token] = []
    var i = 0, line = 1, lineStart = 0
    func loc(_ at: Int) -> SourceLocation { SourceLocation(line: line, column: at - lineStart + 1) }
    while i < chars.count {
        let c = chars[i]
        let start = i
        if c == "\n" {
            tokens.append(Token(kind: .newline, location: loc(i), offset: i, endOffset: i + 1))
            i += 1; line += 1; lineStart = i
            continue
        }
        if c == " " || c == "\t" || c == "\r" { i += 1; continue }
        if c == "#" { while i < chars.count && chars[i] != "\n" { i += 1 }; continue }
        if c.properties.isAlphabetic || c == "_" {
            while i < chars.count && (chars[i].properties.isAlphabetic || chars[i] == "_" || ("0"..."9").contains(chars[i])) { i += 1 }
            var s = ""; s.unicodeScalars.append(contentsOf: chars[start..<i])
            tokens.append(Token(kind: .identifier(s), location: loc(start), offset: start, endOffset: i))
            continue
        }
        if ("0"..."9").contains(c) {
            while i < chars.count && ("0"..."9").contains(chars[i]) { i += 1 }
            var isFloat = false
            if i + 1 < chars.count && chars[i] == "." && ("0"..."9").contains(chars[i + 1]) {
                isFloat = true
                i += 1
                while i < chars.count && ("0"..."9").contains(chars[i]) { i += 1 }
            }
            var s = ""; s.unicodeScalars.append(contentsOf: chars[start..<i])
            if isFloat {
                guard let f = Double(s) else { throw RASPError(file: file, at: loc(start), "bad number '\(s)'") }
                tokens.append(Token(kind: .float(f), location: loc(start), offset: start, endOffset: i))
            } else {
                guard let v = Int(s) else { throw RASPError(file: file, at: loc(start), "integer '\(s)' is too large") }
                tokens.append(Token(kind: .integer(v), location: loc(start), offset: start, endOffset: i))
            }
            continue
        }
        if c == "\"" || c == "'" {
            let quote = c
            i += 1
            var s = ""
            while true {
                guard i < chars.count, chars[i] != "\n" else {
                    throw RASPError(file: file, at: loc(start), "unterminated string: expected a closing \(quote) on the same line")
                }
                if chars[i] == quote { i += 1; break }
                if chars[i] == "\\" {
                    guard i + 1 < chars.count else { throw RASPError(file: file, at: loc(i), "unterminated string escape") }
                    switch chars[i + 1] {
                    case "n": s += "\n"
                    case "t": s += "\t"
                    case "\\": s += "\\"
                    case "\"": s += "\""
                    case "'": s += "'"
                    default: throw RASPError(file: file, at: loc(i), "unknown escape '\\\(chars[i + 1])': expected \\n, \\t, \\\\, \\\" or \\'")
                    }
                    i += 2
                    continue
                }
                s.unicodeScalars.append(chars[i]); i += 1
            }
            tokens.append(Token(kind: .string(s), location: loc(start), offset: start, endOffset: i))
            continue
        }
        if i + 1 < chars.count {
            var two = ""; two.unicodeScalars.append(contentsOf: chars[i..<(i + 2)])
            if symbols2.contains(two) {
                tokens.append(Token(kind: .symbol(two), location: loc(start), offset: start, endOffset: i + 2))
                i += 2
                continue
            }
        }
        if symbols1.contains(Character(c)) {
            tokens.append(Token(kind: .symbol(String(Character(c))), location: loc(start), offset: start, endOffset: i + 1))
            i += 1
            continue
        }
        throw RASPError(file: file, at: loc(start), "unexpected character '\(c.escaped(asASCII: true))'")
    }
    tokens.append(Token(kind: .newline, location: loc(i), offset: i, endOffset: i))
    tokens.append(Token(kind: .end, location: loc(i), offset: i, endOffset: i))
    return tokens
}
