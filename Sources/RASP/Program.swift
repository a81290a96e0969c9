// RASP programs as a graph of expressions (tracr's rasp.py): s-ops (tokens, indices, Map,
// SequenceMap, LinearSequenceMap, Full, Aggregate, SelectorWidth) and selectors (Select), with
// name and encoding annotations. Expressions live in an arena and refer to each other by index;
// annotating copies an expression (a new identity), exactly as tracr's `annotate` does.

/// A function of one value (Map). Returns nil for None; throws ValueError.
public struct Function1: Sendable {
    public let text: String
    public let apply: @Sendable (Value) throws(ValueError) -> Value?
    public init(_ text: String, _ apply: @escaping @Sendable (Value) throws(ValueError) -> Value?) {
        self.text = text
        self.apply = apply
    }
}

/// A function of two values (SequenceMap; custom selector predicates take (key, query)).
public struct Function2: Sendable {
    public let text: String
    public let apply: @Sendable (Value, Value) throws(ValueError) -> Value?
    public init(_ text: String, _ apply: @escaping @Sendable (Value, Value) throws(ValueError) -> Value?) {
        self.text = text
        self.apply = apply
    }
}

/// tracr's Comparison predicates, applied as predicate(key, query).
public enum Comparison: String, Sendable, CaseIterable {
    case eq = "EQ", lt = "LT", leq = "LEQ", gt = "GT", geq = "GEQ", neq = "NEQ", always = "TRUE", never = "FALSE"

    public func holds(key: Value, query: Value) throws(ValueError) -> Bool {
        switch self {
        case .eq: key == query
        case .neq: key != query
        case .lt: try Value.pyLess(key, query)
        case .leq: try !Value.pyLess(query, key)
        case .gt: try Value.pyLess(query, key)
        case .geq: try !Value.pyLess(key, query)
        case .always: true
        case .never: false
        }
    }
}

public enum Predicate: Sendable {
    case comparison(Comparison)
    case custom(Function2)   // (key, query) -> truthy

    public func holds(key: Value, query: Value) throws(ValueError) -> Bool {
        switch self {
        case .comparison(let c): try c.holds(key: key, query: query)
        case .custom(let f): try f.apply(key, query)?.truthy ?? false
        }
    }

    public var text: String {
        switch self {
        case .comparison(let c): c.rawValue
        case .custom(let f): f.text
        }
    }
}

public enum Encoding: String, Sendable { case categorical, numerical }

/// Index of an expression in its program's arena.
public typealias ExprID = Int

public enum Expr: Sendable {
    case tokens
    case indices
    case map(Function1, ExprID)
    case sequenceMap(Function2, ExprID, ExprID)
    case linearSequenceMap(ExprID, ExprID, Double, Double)
    case full(Value)
    case select(keys: ExprID, queries: ExprID, Predicate)
    case aggregate(selector: ExprID, sop: ExprID, default: Value?)
    case selectorWidth(ExprID)

    /// Direct dependencies, in tracr's `children` order.
    public var children: [ExprID] {
        switch self {
        case .tokens, .indices, .full: []
        case .map(_, let a): [a]
        case .sequenceMap(_, let a, let b), .linearSequenceMap(let a, let b, _, _): [a, b]
        case .select(let k, let q, _): [k, q]
        case .aggregate(let s, let v, _): [s, v]
        case .selectorWidth(let s): [s]
        }
    }

    public var isSelector: Bool { if case .select = self { true } else { false } }

    /// tracr's default name for the expression's class.
    public var defaultName: String {
        switch self {
        case .tokens: "tokens"
        case .indices: "indices"
        case .map: "map"
        case .sequenceMap: "sequence_map"
        case .linearSequenceMap: "linear_sequence_map"
        case .full: "full"
        case .select: "select"
        case .aggregate: "aggregate"
        case .selectorWidth: "selector_width"
        }
    }

    public var kindName: String {
        switch self {
        case .tokens: "tokens"
        case .indices: "indices"
        case .map: "Map"
        case .sequenceMap: "SequenceMap"
        case .linearSequenceMap: "LinearSequenceMap"
        case .full: "Full"
        case .select: "Select"
        case .aggregate: "Aggregate"
        case .selectorWidth: "SelectorWidth"
        }
    }
}

public struct ExprNode: Sendable {
    public var expr: Expr
    public var name: String?          // nil: tracr's default name for the class
    public var encoding: Encoding
    public var name_: String { name ?? expr.defaultName }
}

/// An arena of expressions. Builders return ids; annotations make copies.
public struct ExprArena: Sendable {
    public private(set) var nodes: [ExprNode] = []
    public let tokens: ExprID
    public let indices: ExprID

    public init() {
        nodes.append(ExprNode(expr: .tokens, name: nil, encoding: .categorical))
        nodes.append(ExprNode(expr: .indices, name: nil, encoding: .categorical))
        tokens = 0
        indices = 1
    }

    public subscript(id: ExprID) -> ExprNode { nodes[id] }

    public func isSelector(_ id: ExprID) -> Bool { nodes[id].expr.isSelector }

    private mutating func add(_ e: Expr) -> ExprID {
        nodes.append(ExprNode(expr: e, name: nil, encoding: .categorical))
        return nodes.count - 1
    }

    /// Map, merged with an inner Map into one Map as tracr's `simplify=True` does.
    public mutating func map(_ f: Function1, _ inner: ExprID) -> ExprID {
        if case .map(let g, let innermost) = nodes[inner].expr {
            let composed = Function1("\(f.text) ∘ \(g.text)") { (x: Value) throws(ValueError) -> Value? in
                guard let y = try g.apply(x) else { return nil }
                return try f.apply(y)
            }
            return add(.map(composed, innermost))
        }
        return add(.map(f, inner))
    }

    public mutating func sequenceMap(_ f: Function2, _ a: ExprID, _ b: ExprID) -> ExprID { add(.sequenceMap(f, a, b)) }

    public mutating func linearSequenceMap(_ a: ExprID, _ b: ExprID, _ fa: Double, _ fb: Double) -> ExprID {
        add(.linearSequenceMap(a, b, fa, fb))
    }

    public mutating func full(_ v: Value) -> ExprID { add(.full(v)) }

    public mutating func select(keys: ExprID, queries: ExprID, _ p: Predicate) -> ExprID {
        add(.select(keys: keys, queries: queries, p))
    }

    public mutating func aggregate(_ selector: ExprID, _ sop: ExprID, default d: Value? = nil) -> ExprID {
        add(.aggregate(selector: selector, sop: sop, default: d))
    }

    public mutating func selectorWidth(_ selector: ExprID) -> ExprID { add(.selectorWidth(selector)) }

    /// A copy with a new name (tracr's `.named`). tokens and indices keep their fixed labels.
    public mutating func named(_ id: ExprID, _ name: String) -> ExprID {
        if id == tokens || id == indices { return id }
        var n = nodes[id]
        n.name = name
        nodes.append(n)
        return nodes.count - 1
    }

    /// A copy with a new encoding (tracr's `numerical` / `categorical`).
    public mutating func annotated(_ id: ExprID, encoding: Encoding) -> ExprID {
        var n = nodes[id]
        n.encoding = encoding
        nodes.append(n)
        return nodes.count - 1
    }
}

/// A program: the arena and its output s-op.
public struct Program: Sendable {
    public var arena: ExprArena
    public var output: ExprID

    public init(arena: ExprArena, output: ExprID) {
        self.arena = arena
        self.output = output
    }

    /// Expressions reachable from the output in tracr's breadth-first order (the order in
    /// which tracr's graph extraction first touches each label, hence assigns unique ids).
    public func breadthFirst() -> [ExprID] {
        var order = [output]
        var seen: Set<ExprID> = [output]
        var queue = [output]
        var head = 0
        while head < queue.count {
            let e = queue[head]; head += 1
            for c in arena[e].expr.children {
                queue.append(c)
                if seen.insert(c).inserted { order.append(c) }
            }
        }
        return order
    }

    /// tracr labels `<name>_<id>`, ids counted from 1 in breadth-first order from the output
    /// (as a fresh tracr process compiling this program assigns them); tokens and indices keep
    /// their plain labels.
    public func labels() -> [ExprID: String] {
        var out: [ExprID: String] = [:]
        var next = 1
        for e in breadthFirst() {
            switch arena[e].expr {
            case .tokens: out[e] = "tokens"
            case .indices: out[e] = "indices"
            default:
                out[e] = "\(arena[e].name_)_\(next)"
                next += 1
            }
        }
        return out
    }

    /// Reachable expressions ordered so that children come before parents.
    public func topologicalOrder() -> [ExprID] {
        var order: [ExprID] = []
        var state: [ExprID: Bool] = [:]   // false: visiting, true: done
        var stack: [(ExprID, Bool)] = [(output, false)]
        while let (e, expanded) = stack.popLast() {
            if expanded { state[e] = true; order.append(e); continue }
            if state[e] != nil { continue }
            state[e] = false
            stack.append((e, true))
            for c in arena[e].expr.children.reversed() where state[c] == nil { stack.append((c, false)) }
        }
        return order
    }
}
