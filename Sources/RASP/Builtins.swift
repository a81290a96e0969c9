// The built-in functions of the .rasp language: RASP constructors (Map, SequenceMap,
// LinearSequenceMap, Full, Select, Aggregate, SelectorWidth), annotations (named, numerical,
// categorical), and value functions usable in lambdas and at compile time (int, str, float,
// bool, abs, min, max, len, range, is_digit, is_int). Also the entry point `parseProgram`.

let builtinNames = ["Map", "SequenceMap", "LinearSequenceMap", "Full", "Select", "Aggregate", "SelectorWidth",
                    "numerical", "categorical", "named", "range", "len", "str", "int", "float", "bool", "abs",
                    "min", "max", "is_digit", "is_int"]

extension Interpreter {
    static let methodNames: Set<String> = ["named", "numerical", "categorical"]

    func sopArg(_ v: CValue, _ l: SourceLocation, _ what: String) throws(RASPError) -> ExprID {
        guard case .sop(let s) = v else { throw fail(l, "\(what) must be an s-op, got \(v.kind)") }
        return s
    }

    func selectorArg(_ v: CValue, _ l: SourceLocation, _ what: String) throws(RASPError) -> ExprID {
        guard case .selector(let s) = v else { throw fail(l, "\(what) must be a selector (made by Select), got \(v.kind)") }
        return s
    }

    func numberArg(_ v: CValue, _ l: SourceLocation, _ what: String) throws(RASPError) -> Double {
        guard case .value(let x?) = v, let n = x.number else { throw fail(l, "\(what) must be a number, got \(v.kind)") }
        return n
    }

    func callBuiltin(_ name: String, _ args: [CValue], _ l: SourceLocation, argNodes: [Node]) throws(RASPError) -> CValue {
        func need(_ counts: ClosedRange<Int>, _ usage: String) throws(RASPError) {
            guard counts.contains(args.count) else { throw fail(l, "\(name) takes \(usage); got \(args.count) argument\(args.count == 1 ? "" : "s")") }
        }
        func loc(_ i: Int) -> SourceLocation { i < argNodes.count ? argNodes[i].location : l }
        switch name {
        case "Map":
            try need(2...2, "(FUNCTION, SOP)")
            let f = try valueFunction(args[0], arity: 1, loc(0), "the function of Map")
            let inner = try sopArg(args[1], loc(1), "the second argument of Map")
            return .sop(arena.map(Function1(lambdaText(args[0])) { (x: Value) throws(ValueError) -> Value? in try f([x]) }, inner))
        case "SequenceMap":
            try need(3...3, "(FUNCTION, SOP, SOP)")
            let f = try valueFunction(args[0], arity: 2, loc(0), "the function of SequenceMap")
            let a = try sopArg(args[1], loc(1), "the second argument of SequenceMap")
            let b = try sopArg(args[2], loc(2), "the third argument of SequenceMap")
            return .sop(arena.sequenceMap(Function2(lambdaText(args[0])) { (x: Value, y: Value) throws(ValueError) -> Value? in try f([x, y]) }, a, b))
        case "LinearSequenceMap":
            try need(4...4, "(SOP, SOP, FACTOR, FACTOR)")
            let a = try sopArg(args[0], loc(0), "the first argument of LinearSequenceMap")
            let b = try sopArg(args[1], loc(1), "the second argument of LinearSequenceMap")
            return .sop(arena.linearSequenceMap(a, b, try numberArg(args[2], loc(2), "the first factor"), try numberArg(args[3], loc(3), "the second factor")))
        case "Full":
            try need(1...1, "(VALUE)")
            guard case .value(let v?) = args[0] else { throw fail(loc(0), "Full needs a value, got \(args[0].kind)") }
            return .sop(arena.full(v))
        case "Select":
            try need(3...3, "(KEYS, QUERIES, PREDICATE)")
            let k = try sopArg(args[0], loc(0), "the keys of Select")
            let q = try sopArg(args[1], loc(1), "the queries of Select")
            let p: Predicate
            switch args[2] {
            case .comparison(let c): p = .comparison(c)
            case .lambda:
                let f = try valueFunction(args[2], arity: 2, loc(2), "the predicate of Select")
                p = .custom(Function2(lambdaText(args[2])) { (key: Value, query: Value) throws(ValueError) -> Value? in try f([key, query]) })
            default:
                throw fail(loc(2), "the predicate of Select must be EQ, LT, LEQ, GT, GEQ, NEQ, TRUE, FALSE or a lambda (key, query) -> …, got \(args[2].kind)")
            }
            return .selector(arena.select(keys: k, queries: q, p))
        case "Aggregate":
            try need(2...3, "(SELECTOR, SOP) or (SELECTOR, SOP, DEFAULT)")
            let s = try selectorArg(args[0], loc(0), "the first argument of Aggregate")
            let v = try sopArg(args[1], loc(1), "the second argument of Aggregate")
            var d: Value? = nil
            if args.count == 3 {
                guard case .value(let x) = args[2] else { throw fail(loc(2), "the default of Aggregate must be a value or None") }
                d = x
            }
            return .sop(arena.aggregate(s, v, default: d))
        case "SelectorWidth":
            try need(1...1, "(SELECTOR)")
            return .sop(arena.selectorWidth(try selectorArg(args[0], loc(0), "the argument of SelectorWidth")))
        case "numerical", "categorical":
            try need(1...1, "(SOP)")
            let s = try sopArg(args[0], loc(0), "the argument of \(name)")
            return .sop(arena.annotated(s, encoding: name == "numerical" ? .numerical : .categorical))
        case "named":
            try need(2...2, "(SOP, NAME)")
            guard case .value(.string(let n)?) = args[1] else { throw fail(loc(1), "a name must be a string, got \(args[1].kind)") }
            guard !n.isEmpty, !n.contains(":") else { throw fail(loc(1), "a name must be non-empty and must not contain ':' (residual labels are NAME:VALUE)") }
            switch args[0] {
            case .sop(let s): return .sop(arena.named(s, n))
            case .selector(let s): return .selector(arena.named(s, n))
            default: throw fail(loc(0), "only s-ops and selectors have names, got \(args[0].kind)")
            }
        case "range":
            try need(1...2, "(END) or (START, END)")
            var bounds: [Int] = []
            for (i, a) in args.enumerated() {
                guard case .value(let v?) = a, let n = v.integer else { throw fail(loc(i), "range needs integers") }
                bounds.append(n)
            }
            let (lo, hi) = bounds.count == 1 ? (0, bounds[0]) : (bounds[0], bounds[1])
            let span = hi.subtractingReportingOverflow(lo)
            guard !span.overflow, span.partialValue <= 100_000 else { throw fail(l, "range(\(lo), \(hi)) is too long (at most 100000 items)") }
            return .list(lo < hi ? (lo..<hi).map { .value(.int($0)) } : [])
        case "len":
            try need(1...1, "(LIST)")
            switch args[0] {
            case .list(let xs), .tuple(let xs): return .value(.int(xs.count))
            case .set(let xs): return .value(.int(xs.count))
            case .value(.string(let s)?): return .value(.int(s.count))
            default: throw fail(loc(0), "len needs a list, tuple, set or string, got \(args[0].kind)")
            }
        case "min", "max":
            var items: [CValue] = args
            if args.count == 1, case .list(let xs) = args[0] { items = xs }
            guard !items.isEmpty else { throw fail(l, "\(name) needs at least one value") }
            var best: Value? = nil
            for (i, it) in items.enumerated() {
                guard case .value(let v?) = it else { throw fail(loc(i), "\(name) compares values, got \(it.kind)") }
                guard let b = best else { best = v; continue }
                do {
                    if name == "min" ? try Value.pyLess(v, b) : try Value.pyLess(b, v) { best = v }
                } catch { throw fail(loc(i), "\(error)") }
            }
            return .value(best)
        case "str", "int", "float", "bool", "abs", "is_digit", "is_int":
            try need(1...1, "(VALUE)")
            guard case .value(let v) = args[0] else { throw fail(loc(0), "\(name) needs a value, got \(args[0].kind)") }
            do { return .value(try Interpreter.convert(name, v)) } catch { throw fail(loc(0), "\(error)") }
        default:
            throw fail(l, "unknown function '\(name)'")
        }
    }

    static func convert(_ name: String, _ v: Value?) throws(ValueError) -> Value? {
        guard let v else {
            if name == "str" { return .string("None") }
            if name == "bool" || name == "is_digit" || name == "is_int" { return .bool(false) }
            throw .type("\(name)(None)")
        }
        switch name {
        case "str": return .string(v.description)
        case "bool": return .bool(v.truthy)
        case "is_int": if case .float = v { return .bool(false) } else if case .string = v { return .bool(false) } else { return .bool(true) }
        case "is_digit":
            guard case .string(let s) = v else { return .bool(false) }
            return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { ("0"..."9").contains($0) })
        case "abs":
            switch v {
            case .float(let f): return .float(abs(f))
            default:
                guard let i = v.integer else { throw .type("abs of \(v.typeName) \(v.repr)") }
                if i == Int.min { throw .arithmetic("integer overflow in abs") }
                return .int(abs(i))
            }
        case "int":
            switch v {
            case .float(let f):
                guard f.isFinite, abs(f) < 9.0e18 else { throw .arithmetic("cannot convert \(f) to an integer") }
                return .int(Int(f))
            case .string(let s):
                guard let i = Int(s.trimmingSpaces) else { throw .type("int() of \(v.repr): not a decimal integer") }
                return .int(i)
            default: return .int(v.integer!)
            }
        case "float":
            switch v {
            case .string(let s):
                guard let f = Double(s.trimmingSpaces) else { throw .type("float() of \(v.repr): not a number") }
                return .float(f)
            default: return .float(v.number!)
            }
        default: throw .type("unknown conversion \(name)")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// Parses and runs a .rasp source: the program's expression graph and its token type.
/// `vocab` arrives as strings; with `token_type int` each item must be an integer.
public func parseProgram(source: String, file: String, vocab: [String], maxSeqLen: Int) throws(RASPError) -> ParsedProgram {
    let statements = try parseSource(source, file: file)
    var tokenType = "string"
    for s in statements { if case .tokenType(let t, _) = s { tokenType = t } }
    let values = try vocabValues(vocab, tokenType: tokenType, file: file)
    let interpreter = Interpreter(file: file)
    var scope: [String: CValue] = [
        "tokens": .sop(interpreter.arena.tokens), "indices": .sop(interpreter.arena.indices),
        "max_seq_len": .value(.int(maxSeqLen)), "vocab": .list(values.map { .value($0) }),
    ]
    for n in builtinNames { scope[n] = .builtin(n) }
    for c in Comparison.allCases { scope[c.rawValue] = .comparison(c) }
    var output: (ExprID, SourceLocation)? = nil
    var tt: String? = nil
    try interpreter.run(statements, scope: &scope, output: &output, tokenType: &tt)
    guard let (out, _) = output else { throw RASPError(file: file, at: nil, "the program has no 'output SOP' statement") }
    return ParsedProgram(program: Program(arena: interpreter.arena, output: out), tokenType: tokenType)
}

/// Vocabulary items as values of the program's token type.
public func vocabValues(_ vocab: [String], tokenType: String, file: String = "vocab") throws(RASPError) -> [Value] {
    if tokenType == "string" { return vocab.map { .string($0) } }
    var out: [Value] = []
    for v in vocab {
        guard let i = Int(v) else { throw RASPError(file: file, at: nil, "token_type int: vocabulary item '\(v)' is not an integer") }
        out.append(.int(i))
    }
    return out
}
