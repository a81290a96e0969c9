// Recursive-descent parser for .rasp files (grammar in docs/rasp.md). Newlines end
// statements except inside (), [] and set braces. Errors name file:line:col and what was
// expected. Nesting depth is bounded so hostile input cannot exhaust the stack.

struct Parser {
    let file: String
    let source: [Unicode.Scalar]
    var tokens: [Token]
    var position = 0
    var nesting = 0        // > 0 inside (), [] or a set literal: newlines are skipped
    var depth = 0          // recursion depth guard
    static let maxDepth = 400

    init(source: String, file: String) throws(RASPError) {
        self.file = file
        self.source = Array(source.unicodeScalars)
        self.tokens = try tokenize(source, file: file)
    }

    // MARK: - Token access

    mutating func peekToken() -> Token {
        if nesting > 0 { while case .newline = tokens[position].kind { position += 1 } }
        return tokens[position]
    }

    mutating func peek() -> TokenKind { peekToken().kind }

    mutating func peek(_ offset: Int) -> TokenKind {
        _ = peekToken()
        var p = position, n = 0
        while p < tokens.count - 1 {
            if nesting > 0, case .newline = tokens[p].kind { p += 1; continue }
            if n == offset { return tokens[p].kind }
            n += 1; p += 1
        }
        return .end
    }

    mutating func advance() -> Token {
        let t = peekToken()
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    func error(_ t: Token, _ expected: String) -> RASPError {
        RASPError(file: file, at: t.location, "expected \(expected), found \(t.describe)")
    }

    mutating func isSymbol(_ s: String) -> Bool { peek() == .symbol(s) }
    mutating func isKeyword(_ s: String) -> Bool { peek() == .identifier(s) }

    mutating func expectSymbol(_ s: String, _ what: String? = nil) throws(RASPError) -> Token {
        let t = peekToken()
        guard t.kind == .symbol(s) else { throw error(t, what ?? "'\(s)'") }
        return advance()
    }

    mutating func expectIdentifier(_ what: String) throws(RASPError) -> String {
        let t = peekToken()
        guard case .identifier(let s) = t.kind, !Parser.keywords.contains(s) else { throw error(t, what) }
        _ = advance()
        return s
    }

    static let keywords: Set<String> = ["def", "for", "in", "output", "return", "if", "then", "else", "and", "or", "not", "token_type"]

    mutating func enter(_ t: Token) throws(RASPError) {
        depth += 1
        if depth > Parser.maxDepth { throw RASPError(file: file, at: t.location, "expression nested more than \(Parser.maxDepth) levels deep") }
    }

    // MARK: - Statements

    mutating func parseProgram() throws(RASPError) -> [Statement] {
        var out: [Statement] = []
        while true {
            skipNewlines()
            if peek() == .end { return out }
            out.append(try parseStatement())
        }
    }

    mutating func skipNewlines() {
        while tokens[position].kind == .newline || tokens[position].kind == .symbol(";") { position += 1 }
    }

    mutating func endStatement() throws(RASPError) {
        let t = peekToken()
        switch t.kind {
        case .newline, .end, .symbol(";"): return
        case .symbol("}"): return
        default: throw error(t, "end of line after the statement")
        }
    }

    mutating func parseBlock() throws(RASPError) -> [Statement] {
        _ = try expectSymbol("{", "'{' to open a block")
        let saved = nesting
        nesting = 0
        defer { nesting = saved }
        var body: [Statement] = []
        while true {
            skipNewlines()
            if isSymbol("}") { _ = advance(); return body }
            if peek() == .end { throw error(peekToken(), "'}' to close the block") }
            body.append(try parseStatement())
        }
    }

    mutating func parseTargets() throws(RASPError) -> [String] {
        if isSymbol("(") {
            _ = advance()
            var names = [try expectIdentifier("a name")]
            while isSymbol(",") { _ = advance(); names.append(try expectIdentifier("a name")) }
            _ = try expectSymbol(")")
            return names
        }
        return [try expectIdentifier("a name")]
    }

    mutating func parseStatement() throws(RASPError) -> Statement {
        let t = peekToken()
        try enter(t)
        defer { depth -= 1 }
        switch t.kind {
        case .identifier("def"):
            _ = advance()
            let name = try expectIdentifier("a function name after 'def'")
            _ = try expectSymbol("(")
            nesting += 1
            var params: [String] = []
            if !isSymbol(")") {
                params.append(try expectIdentifier("a parameter name"))
                while isSymbol(",") { _ = advance(); params.append(try expectIdentifier("a parameter name")) }
            }
            nesting -= 1
            _ = try expectSymbol(")", "')' after the parameters")
            if isSymbol("=") {
                _ = advance()
                let body = try parseExpression()
                try endStatement()
                return .def(name, params, [], body, t.location)
            }
            _ = try expectSymbol("{", "'=' or '{' after the parameters")
            let saved = nesting
            nesting = 0
            var body: [Statement] = []
            while true {
                skipNewlines()
                if isKeyword("return") {
                    _ = advance()
                    let result = try parseExpression()
                    skipNewlines()
                    _ = try expectSymbol("}", "'}' after the return statement")
                    nesting = saved
                    return .def(name, params, body, result, t.location)
                }
                if peek() == .end || isSymbol("}") { throw error(peekToken(), "'return EXPRESSION' at the end of function '\(name)'") }
                body.append(try parseStatement())
            }
        case .identifier("for"):
            _ = advance()
            let names = try parseTargets()
            guard isKeyword("in") else { throw error(peekToken(), "'in' after the loop variable") }
            _ = advance()
            let sequence = try parseExpression()
            let body = try parseBlock()
            return .loop(names, sequence, body, t.location)
        case .identifier("output"):
            _ = advance()
            let e = try parseExpression()
            try endStatement()
            return .output(e, t.location)
        case .identifier("token_type"):
            _ = advance()
            let kind = try expectIdentifier("'int' or 'string' after token_type")
            guard kind == "int" || kind == "string" else { throw error(tokens[position - 1], "'int' or 'string' after token_type") }
            try endStatement()
            return .tokenType(kind, t.location)
        case .identifier, .symbol("("):
            let names = try parseTargets()
            _ = try expectSymbol("=", "'=' in an assignment")
            let e = try parseExpression()
            try endStatement()
            return .assign(names, e, t.location)
        default:
            throw error(t, "a statement (NAME = EXPRESSION, def, for, output or token_type)")
        }
    }

    // MARK: - Expressions

    mutating func parseExpression() throws(RASPError) -> Node {
        let t = peekToken()
        try enter(t)
        defer { depth -= 1 }
        // Lambdas: x -> e   or   (x, y) -> e
        if case .identifier(let p) = t.kind, !Parser.keywords.contains(p), peek(1) == .symbol("->") {
            _ = advance(); _ = advance()
            let body = try parseExpression()
            return .lambda([p], body, text(from: t, to: tokens[position - 1]), t.location)
        }
        if t.kind == .symbol("(") {
            var k = 1, params: [String] = [], isLambda = false
            while true {
                guard case .identifier(let p) = peek(k), !Parser.keywords.contains(p) else { break }
                params.append(p)
                k += 1
                if peek(k) == .symbol(",") { k += 1; continue }
                if peek(k) == .symbol(")") && peek(k + 1) == .symbol("->") { isLambda = true }
                break
            }
            if isLambda {
                for _ in 0..<(k + 2) { _ = advance() }
                let body = try parseExpression()
                return .lambda(params, body, text(from: t, to: tokens[position - 1]), t.location)
            }
        }
        if isKeyword("if") {
            _ = advance()
            let c = try parseExpression()
            guard isKeyword("then") else { throw error(peekToken(), "'then' after the condition of 'if'") }
            _ = advance()
            let a = try parseExpression()
            guard isKeyword("else") else { throw error(peekToken(), "'else' after 'if … then …'") }
            _ = advance()
            let b = try parseExpression()
            return .conditional(c, a, b, t.location)
        }
        return try parseOr()
    }

    func text(from a: Token, to b: Token) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: source[a.offset..<max(a.offset, b.endOffset)])
        return s
    }

    /// Each operator of a left-associative chain deepens the tree by one level; count it
    /// against the depth limit (restored when the chain's function returns).
    mutating func deepen(_ t: Token, _ extra: inout Int) throws(RASPError) {
        extra += 1
        try enter(t)
    }

    mutating func parseOr() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var l = try parseAnd()
        while isKeyword("or") { let t = advance(); try deepen(t, &extra); l = .logical("or", l, try parseAnd(), t.location) }
        return l
    }

    mutating func parseAnd() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var l = try parseNot()
        while isKeyword("and") { let t = advance(); try deepen(t, &extra); l = .logical("and", l, try parseNot(), t.location) }
        return l
    }

    mutating func parseNot() throws(RASPError) -> Node {
        if isKeyword("not") {
            let t = advance()
            try enter(t)
            defer { depth -= 1 }
            return .unary("not", try parseNot(), t.location)
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(RASPError) -> Node {
        let l = try parseBitOr()
        let t = peekToken()
        switch t.kind {
        case .symbol(let s) where ["==", "!=", "<", "<=", ">", ">="].contains(s):
            _ = advance()
            return .binary(s, l, try parseBitOr(), t.location)
        case .identifier("in"):
            _ = advance()
            return .binary("in", l, try parseBitOr(), t.location)
        case .identifier("not") where peek(1) == .identifier("in"):
            _ = advance(); _ = advance()
            return .unary("not", .binary("in", l, try parseBitOr(), t.location), t.location)
        default:
            return l
        }
    }

    mutating func parseBitOr() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var l = try parseBitAnd()
        while isSymbol("|") { let t = advance(); try deepen(t, &extra); l = .binary("|", l, try parseBitAnd(), t.location) }
        return l
    }

    mutating func parseBitAnd() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var l = try parseSum()
        while isSymbol("&") { let t = advance(); try deepen(t, &extra); l = .binary("&", l, try parseSum(), t.location) }
        return l
    }

    mutating func parseSum() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var l = try parseTerm()
        while isSymbol("+") || isSymbol("-") {
            let t = advance()
            try deepen(t, &extra)
            guard case .symbol(let op) = t.kind else { break }
            l = .binary(op, l, try parseTerm(), t.location)
        }
        return l
    }

    mutating func parseTerm() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var l = try parseUnary()
        while isSymbol("*") || isSymbol("/") || isSymbol("//") || isSymbol("%") {
            let t = advance()
            try deepen(t, &extra)
            guard case .symbol(let op) = t.kind else { break }
            l = .binary(op, l, try parseUnary(), t.location)
        }
        return l
    }

    mutating func parseUnary() throws(RASPError) -> Node {
        if isSymbol("-") || isSymbol("~") {
            let t = advance()
            try enter(t)
            defer { depth -= 1 }
            guard case .symbol(let op) = t.kind else { throw error(t, "an operator") }
            return .unary(op, try parseUnary(), t.location)
        }
        let base = try parsePostfix()
        if isSymbol("**") {
            let t = advance()
            try enter(t)
            defer { depth -= 1 }
            return .binary("**", base, try parseUnary(), t.location)
        }
        return base
    }

    mutating func parseArguments() throws(RASPError) -> [Node] {
        nesting += 1
        var args: [Node] = []
        if !isSymbol(")") {
            args.append(try parseExpression())
            while isSymbol(",") {
                _ = advance()
                if isSymbol(")") { break }
                args.append(try parseExpression())
            }
        }
        nesting -= 1
        _ = try expectSymbol(")", "',' or ')' in the argument list")
        return args
    }

    mutating func parsePostfix() throws(RASPError) -> Node {
        var extra = 0
        defer { depth -= extra }
        var e = try parsePrimary()
        while true {
            if isSymbol("(") || isSymbol("[") || isSymbol(".") { try deepen(peekToken(), &extra) }
            if isSymbol("(") {
                let t = advance()
                e = .call(e, try parseArguments(), t.location)
            } else if isSymbol("[") {
                let t = advance()
                nesting += 1
                let i = try parseExpression()
                nesting -= 1
                _ = try expectSymbol("]")
                e = .index(e, i, t.location)
            } else if isSymbol(".") {
                let t = advance()
                let name = try expectIdentifier("a method name after '.'")
                _ = try expectSymbol("(", "'(' after the method name")
                e = .method(e, name, try parseArguments(), t.location)
            } else {
                return e
            }
        }
    }

    mutating func parseSequence(closing: String) throws(RASPError) -> [Node] {
        nesting += 1
        var items: [Node] = []
        if !isSymbol(closing) {
            items.append(try parseExpression())
            while isSymbol(",") {
                _ = advance()
                if isSymbol(closing) { break }
                items.append(try parseExpression())
            }
        }
        nesting -= 1
        _ = try expectSymbol(closing, "',' or '\(closing)'")
        return items
    }

    mutating func parsePrimary() throws(RASPError) -> Node {
        let t = peekToken()
        try enter(t)
        defer { depth -= 1 }
        switch t.kind {
        case .integer(let i): _ = advance(); return .literal(.int(i), t.location)
        case .float(let f): _ = advance(); return .literal(.float(f), t.location)
        case .string(let s): _ = advance(); return .literal(.string(s), t.location)
        case .identifier("True"): _ = advance(); return .literal(.bool(true), t.location)
        case .identifier("False"): _ = advance(); return .literal(.bool(false), t.location)
        case .identifier("None"): _ = advance(); return .literal(nil, t.location)
        case .identifier(let s) where !Parser.keywords.contains(s):
            _ = advance()
            return .name(s, t.location)
        case .symbol("("):
            _ = advance()
            nesting += 1
            if isSymbol(")") {
                nesting -= 1
                _ = advance()
                return .tuple([], t.location)
            }
            let first = try parseExpression()
            if isSymbol(")") {
                nesting -= 1
                _ = advance()
                return first
            }
            nesting -= 1
            guard isSymbol(",") else { throw error(peekToken(), "',' or ')'") }
            _ = advance()
            let rest = try parseSequence(closing: ")")
            return .tuple([first] + rest, t.location)
        case .symbol("["):
            _ = advance()
            return .list(try parseSequence(closing: "]"), t.location)
        case .symbol("{"):
            _ = advance()
            return .set(try parseSequence(closing: "}"), t.location)
        default:
            throw error(t, "an expression")
        }
    }
}

/// Parses a whole .rasp source into statements.
func parseSource(_ source: String, file: String) throws(RASPError) -> [Statement] {
    var p = try Parser(source: source, file: file)
    return try p.parseProgram()
}
