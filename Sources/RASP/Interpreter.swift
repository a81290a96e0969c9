// Runs a parsed .rasp file at compile time: binds names, calls functions, unrolls loops and
// builds the program's expression graph. The same expression evaluator computes the bodies of
// lambdas on values (for Map, SequenceMap and custom Select predicates); lambdas capture the
// names visible where they are written, by value. Execution is bounded (no recursion, a step
// budget), so any input file terminates.

/// A compile-time value.
indirect enum CValue: Sendable {
    case value(Value?)
    case sop(ExprID)
    case selector(ExprID)
    case list([CValue])
    case tuple([CValue])
    case set([Value])
    case lambda(Lambda)
    case function(UserFunction)
    case builtin(String)
    case comparison(Comparison)

    var kind: String {
        switch self {
        case .value(let v): v?.typeName ?? "None"
        case .sop: "s-op"
        case .selector: "selector"
        case .list: "list"
        case .tuple: "tuple"
        case .set: "set"
        case .lambda: "lambda"
        case .function: "function"
        case .builtin: "built-in function"
        case .comparison: "comparison"
        }
    }
}

/// Names visible to an expression: a small local layer over a shared outer layer.
struct Scope {
    var local: [String: CValue]
    var outer: [String: CValue]
    init(_ names: [String: CValue]) { local = names; outer = [:] }
    init(local: [String: CValue], outer: [String: CValue]) { self.local = local; self.outer = outer }
    subscript(name: String) -> CValue? { local[name] ?? outer[name] }
    var flattened: [String: CValue] { outer.isEmpty ? local : outer.merging(local) { $1 } }
}

struct Lambda: Sendable {
    var params: [String]
    var body: Node
    var text: String
    var scope: [String: CValue]
}

struct UserFunction: Sendable {
    var name: String
    var params: [String]
    var body: [Statement]
    var result: Node
    var scope: [String: CValue]
}

/// Everything the interpreter needs that is fixed for one compilation.
public struct CompileConstants: Sendable {
    public var vocab: [Value]
    public var maxSeqLen: Int
    public init(vocab: [Value], maxSeqLen: Int) {
        self.vocab = vocab
        self.maxSeqLen = maxSeqLen
    }
}

/// The result of running a .rasp file.
public struct ParsedProgram: Sendable {
    public var program: Program
    public var tokenType: String     // "string" or "int"
}

/// Thrown inside lambda bodies; converted to ValueError at the Function boundary.
struct LambdaFailure: Error { var error: ValueError }

final class Interpreter {
    let file: String
    var arena = ExprArena()
    var steps = 0
    static let stepLimit = 5_000_000
    var callDepth = 0

    init(file: String) { self.file = file }

    func fail(_ at: SourceLocation, _ m: String) -> RASPError { RASPError(file: file, at: at, m) }

    func tick(_ at: SourceLocation) throws(RASPError) {
        steps += 1
        if steps > Interpreter.stepLimit { throw fail(at, "program runs more than \(Interpreter.stepLimit) steps at compile time (a loop too large?)") }
    }

    // MARK: - Statements

    func run(_ statements: [Statement], scope: inout [String: CValue], output: inout (ExprID, SourceLocation)?, tokenType: inout String?) throws(RASPError) {
        for s in statements {
            switch s {
            case .assign(let names, let e, let l):
                let v = try eval(e, Scope(scope))
                try bind(names, v, &scope, l)
            case .def(let name, let params, let body, let result, let l):
                guard Set(params).count == params.count else { throw fail(l, "function '\(name)' repeats a parameter name") }
                scope[name] = .function(UserFunction(name: name, params: params, body: body, result: result, scope: scope))
            case .loop(let names, let seq, let body, let l):
                let items: [CValue]
                switch try eval(seq, Scope(scope)) {
                case .list(let xs), .tuple(let xs): items = xs
                case let other: throw fail(seq.location, "a for loop needs a list or tuple, got \(other.kind)")
                }
                for item in items {
                    try tick(l)
                    try bind(names, item, &scope, l)
                    try run(body, scope: &scope, output: &output, tokenType: &tokenType)
                }
            case .output(let e, let l):
                guard output == nil else { throw fail(l, "a second 'output' statement: a program has exactly one output") }
                guard case .sop(let id) = try eval(e, Scope(scope)) else { throw fail(e.location, "'output' needs an s-op") }
                output = (id, l)
            case .tokenType(let t, let l):
                guard tokenType == nil else { throw fail(l, "token_type given twice") }
                tokenType = t
            }
        }
    }

    func bind(_ names: [String], _ v: CValue, _ scope: inout [String: CValue], _ l: SourceLocation) throws(RASPError) {
        for n in names where Interpreter.reserved.contains(n) {
            throw fail(l, "'\(n)' is a built-in name and cannot be assigned")
        }
        if names.count == 1 { scope[names[0]] = v; return }
        switch v {
        case .list(let xs) where xs.count == names.count, .tuple(let xs) where xs.count == names.count:
            for (n, x) in zip(names, xs) { scope[n] = x }
        default:
            throw fail(l, "cannot unpack \(v.kind) into \(names.count) names")
        }
    }

    static let reserved: Set<String> = Set(builtinNames).union(["tokens", "indices", "max_seq_len", "vocab"]).union(Comparison.allCases.map(\.rawValue))

    // MARK: - Expressions

    func eval(_ e: Node, _ scope: Scope) throws(RASPError) -> CValue {
        try tick(e.location)
        switch e {
        case .literal(let v, _): return .value(v)
        case .name(let n, let l):
            guard let v = scope[n] else { throw fail(l, "unknown name '\(n)'") }
            return v
        case .list(let xs, _):
            var out: [CValue] = []
            for x in xs { out.append(try eval(x, scope)) }
            return .list(out)
        case .tuple(let xs, _):
            var out: [CValue] = []
            for x in xs { out.append(try eval(x, scope)) }
            return .tuple(out)
        case .set(let xs, _):
            var out: [Value] = []
            for x in xs {
                guard case .value(let v?) = try eval(x, scope) else { throw fail(x.location, "set literals hold plain values (numbers, strings, booleans)") }
                if !out.contains(v) { out.append(v) }
            }
            return .set(out)
        case .lambda(let params, let body, let text, let l):
            guard Set(params).count == params.count else { throw fail(l, "lambda repeats a parameter name") }
            return .lambda(Lambda(params: params, body: body, text: text, scope: scope.flattened))
        case .call(let f, let args, let l):
            let callee = try eval(f, scope)
            var values: [CValue] = []
            for a in args { values.append(try eval(a, scope)) }
            return try call(callee, values, l, argNodes: args)
        case .method(let recv, let name, let args, let l):
            guard Interpreter.methodNames.contains(name) else {
                throw fail(l, "unknown method '.\(name)': expected .named(NAME), .numerical() or .categorical()")
            }
            var values = [try eval(recv, scope)]
            for a in args { values.append(try eval(a, scope)) }
            return try callBuiltin(name, values, l, argNodes: [recv] + args)
        case .index(let c, let i, let l):
            let container = try eval(c, scope)
            guard case .value(let iv?) = try eval(i, scope), let idx = iv.integer else { throw fail(i.location, "an index must be an integer") }
            switch container {
            case .list(let xs), .tuple(let xs):
                let k = idx < 0 ? xs.count + idx : idx
                guard k >= 0 && k < xs.count else { throw fail(l, "index \(idx) is out of range for a \(container.kind) of \(xs.count) items") }
                return xs[k]
            case .value(.string(let s)?):
                let cs = Array(s)
                let k = idx < 0 ? cs.count + idx : idx
                guard k >= 0 && k < cs.count else { throw fail(l, "index \(idx) is out of range for a string of \(cs.count) characters") }
                return .value(.string(String(cs[k])))
            default:
                throw fail(l, "cannot index a \(container.kind)")
            }
        case .unary(let op, let x, let l):
            let v = try eval(x, scope)
            return try unary(op, v, l)
        case .binary(let op, let a, let b, let l):
            return try binary(op, try eval(a, scope), try eval(b, scope), l)
        case .logical(let op, let a, let b, let l):
            let x = try eval(a, scope)
            guard case .value(let xv) = x else { throw fail(l, "'\(op)' works on values; for s-ops use '\(op == "and" ? "&" : "|")'") }
            let xt = xv?.truthy ?? false
            if (op == "and" && !xt) || (op == "or" && xt) { return x }
            let y = try eval(b, scope)
            guard case .value = y else { throw fail(l, "'\(op)' works on values; for s-ops use '\(op == "and" ? "&" : "|")'") }
            return y
        case .conditional(let c, let a, let b, let l):
            guard case .value(let cv) = try eval(c, scope) else { throw fail(l, "the condition of 'if' must be a value") }
            return try eval((cv?.truthy ?? false) ? a : b, scope)
        }
    }

    func unary(_ op: String, _ v: CValue, _ l: SourceLocation) throws(RASPError) -> CValue {
        switch (op, v) {
        case ("not", .value(let x)): return .value(.bool(!(x?.truthy ?? false)))
        case ("-", .value(let x?)):
            do { return .value(try Value.pyArithmetic("-", .int(0), x)) } catch { throw fail(l, "\(error)") }
        case ("-", .sop(let s)):
            return .sop(arena.map(Function1("-x") { (x: Value) throws(ValueError) -> Value? in try Value.pyArithmetic("-", .int(0), x) }, s))
        case ("~", .sop(let s)):
            return .sop(arena.map(Function1("not x") { (x: Value) throws(ValueError) -> Value? in .bool(!x.truthy) }, s))
        case ("~", .selector(let s)):
            guard case .select(let k, let q, let p) = arena[s].expr else { throw fail(l, "cannot negate this selector") }
            return .selector(arena.select(keys: k, queries: q, .custom(Function2("not \(p.text)") { (key: Value, query: Value) throws(ValueError) -> Value? in
                .bool(!(try p.holds(key: key, query: query)))
            })))
        default:
            throw fail(l, "operator '\(op)' cannot be applied to a \(v.kind)")
        }
    }

    /// Value-level binary operators (used both at compile time and inside lambdas).
    static func valueBinary(_ op: String, _ a: Value?, _ b: Value?) throws(ValueError) -> Value? {
        switch op {
        case "==": return .bool(a == b)
        case "!=": return .bool(a != b)
        default: break
        }
        guard let a, let b else { throw .type("operator '\(op)' on None") }
        switch op {
        case "<", "<=", ">", ">=": return .bool(try Value.pyCompare(op, a, b))
        case "&": return a.truthy ? b : a
        case "|": return a.truthy ? a : b
        default: return try Value.pyArithmetic(op, a, b)
        }
    }

    func binary(_ op: String, _ a: CValue, _ b: CValue, _ l: SourceLocation) throws(RASPError) -> CValue {
        if op == "in" {
            guard case .value(let x) = a else { throw fail(l, "'in' tests a value, got \(a.kind)") }
            switch b {
            case .set(let xs): return .value(.bool(x.map { xs.contains($0) } ?? false))
            case .list(let xs), .tuple(let xs):
                return .value(.bool(xs.contains { if case .value(let y) = $0 { return y == x } else { return false } }))
            case .value(.string(let s)?):
                guard case .string(let sub)? = x else { throw fail(l, "'in' on a string needs a string") }
                return .value(.bool(sub.isEmpty || s.contains(sub)))
            default: throw fail(l, "'in' needs a set, list or string on the right, got \(b.kind)")
            }
        }
        switch (a, b) {
        case (.value(let x), .value(let y)):
            do { return .value(try Interpreter.valueBinary(op, x, y)) } catch { throw fail(l, "\(error)") }
        case (.list(let x), .list(let y)) where op == "+": return .list(x + y)
        case (.tuple(let x), .tuple(let y)) where op == "+": return .tuple(x + y)
        case (.sop(let s), .value(let c?)):
            guard Interpreter.sopOperators.contains(op) else { throw fail(l, "operator '\(op)' is not defined on s-ops") }
            return .sop(arena.map(Function1("x \(op) \(c.repr)") { (x: Value) throws(ValueError) -> Value? in try Interpreter.valueBinary(op, x, c) }, s))
        case (.value(let c?), .sop(let s)):
            guard Interpreter.sopOperators.contains(op) else { throw fail(l, "operator '\(op)' is not defined on s-ops") }
            return .sop(arena.map(Function1("\(c.repr) \(op) x") { (x: Value) throws(ValueError) -> Value? in try Interpreter.valueBinary(op, c, x) }, s))
        case (.sop(let s), .sop(let t)):
            guard ["+", "-", "*", "/", "&", "|"].contains(op) else { throw fail(l, "operator '\(op)' between two s-ops is not defined; use SequenceMap") }
            return .sop(arena.sequenceMap(Function2("x \(op) y") { (x: Value, y: Value) throws(ValueError) -> Value? in try Interpreter.valueBinary(op, x, y) }, s, t))
        case (.selector(let s), .selector(let t)) where op == "&" || op == "|":
            guard case .select(let k1, let q1, let p1) = arena[s].expr, case .select(let k2, let q2, let p2) = arena[t].expr,
                  k1 == k2, q1 == q2 else {
                throw fail(l, "selectors combined with '\(op)' must share keys and queries (tracr cannot compile other compound selectors)")
            }
            let both = op == "&"
            return .selector(arena.select(keys: k1, queries: q1, .custom(Function2("(\(p1.text)) \(op) (\(p2.text))") { (key: Value, query: Value) throws(ValueError) -> Value? in
                let x = try p1.holds(key: key, query: query)
                if both && !x { return .bool(false) }
                if !both && x { return .bool(true) }
                return .bool(try p2.holds(key: key, query: query))
            })))
        default:
            throw fail(l, "operator '\(op)' cannot combine a \(a.kind) and a \(b.kind)")
        }
    }

    static let sopOperators: Set<String> = ["==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "&", "|"]

    // MARK: - Calls

    func call(_ callee: CValue, _ args: [CValue], _ l: SourceLocation, argNodes: [Node]) throws(RASPError) -> CValue {
        switch callee {
        case .builtin(let name): return try callBuiltin(name, args, l, argNodes: argNodes)
        case .function(let f):
            guard args.count == f.params.count else { throw fail(l, "function '\(f.name)' takes \(f.params.count) arguments, got \(args.count)") }
            callDepth += 1
            defer { callDepth -= 1 }
            if callDepth > 100 { throw fail(l, "functions nested more than 100 calls deep") }
            var scope = f.scope
            for (p, a) in zip(f.params, args) { scope[p] = a }
            var out: (ExprID, SourceLocation)? = nil
            var tt: String? = nil
            try run(f.body, scope: &scope, output: &out, tokenType: &tt)
            if out != nil || tt != nil { throw fail(l, "'output' and 'token_type' belong at the top level, not inside function '\(f.name)'") }
            return try eval(f.result, Scope(scope))
        case .lambda(let f):
            guard args.count == f.params.count else { throw fail(l, "lambda takes \(f.params.count) arguments, got \(args.count)") }
            var local: [String: CValue] = [:]
            for (p, a) in zip(f.params, args) { local[p] = a }
            return try eval(f.body, Scope(local: local, outer: f.scope))
        default:
            throw fail(l, "a \(callee.kind) cannot be called")
        }
    }

    /// Turns a lambda into a Function1/Function2 computing on values.
    func valueFunction(_ c: CValue, arity: Int, _ l: SourceLocation, _ what: String) throws(RASPError) -> @Sendable ([Value]) throws(ValueError) -> Value? {
        guard case .lambda(let f) = c else { throw fail(l, "\(what) must be a lambda such as \(arity == 1 ? "x -> x + 1" : "(x, y) -> x + y"), got \(c.kind)") }
        guard f.params.count == arity else { throw fail(l, "\(what) must take \(arity) argument\(arity == 1 ? "" : "s"), this lambda takes \(f.params.count)") }
        let file = self.file
        return { (xs: [Value]) throws(ValueError) -> Value? in
            let inner = Interpreter(file: file)
            var local: [String: CValue] = [:]
            for (p, x) in zip(f.params, xs) { local[p] = .value(x) }
            let scope = Scope(local: local, outer: f.scope)
            let r: CValue
            do throws(RASPError) {
                r = try inner.eval(f.body, scope)
            } catch {
                if let a = error.arithmetic { throw ValueError.arithmetic(a) }
                throw ValueError.type("\(error.message) (in lambda '\(f.text)' at \(error.file):\(error.location?.description ?? "?"))")
            }
            guard case .value(let v) = r else { throw ValueError.type("lambda '\(f.text)' returned a \(r.kind), not a value") }
            if inner.arena.nodes.count > 2 { throw ValueError.type("lambda '\(f.text)' builds s-ops; lambdas compute on values") }
            return v
        }
    }

    func lambdaText(_ c: CValue) -> String { if case .lambda(let f) = c { return f.text } else { return "?" } }
}

extension RASPError {
    /// The arithmetic message when this error came from a division by zero or an overflow.
    var arithmetic: String? {
        message.hasPrefix("arithmetic error: ") ? String(message.dropFirst("arithmetic error: ".count)) : nil
    }
}
