// The reference evaluator (tracr's DefaultRASPEvaluator) with an optional causal mask: with
// `causal`, a query position selects only itself and earlier keys, as the compiled causal
// model's attention does. None (nil) propagates through maps; a selector never selects a pair
// whose key or query is None (the compiled model's all-zero vector matches nothing).

public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// The value of every reachable expression of a program on one input.
public struct Evaluation: Sendable {
    /// s-op values per position (nil = None); absent for selectors.
    public var values: [ExprID: [Value?]] = [:]
    /// selector matrices [query][key]; absent for s-ops.
    public var selections: [ExprID: [[Bool]]] = [:]
    /// Where the input leaves what tracr can compile (tracr's dynamic validation): a
    /// categorical Aggregate that would have to average different values. Those positions
    /// evaluate to None.
    public var unsupported: [String] = []

    public func output(of program: Program) -> [Value?] { values[program.output] ?? [] }
}

public func evaluate(_ program: Program, input: [Value], causal: Bool = false) throws(EvaluationError) -> Evaluation {
    var ev = Evaluation()
    let n = input.count
    let labels = program.labels()
    for id in program.topologicalOrder() {
        let node = program.arena[id]
        func fail(_ m: String) -> EvaluationError { EvaluationError("\(labels[id] ?? "?") (\(node.expr.kindName)): \(m)") }
        switch node.expr {
        case .tokens: ev.values[id] = input
        case .indices: ev.values[id] = (0..<n).map { .int($0) }
        case .full(let v): ev.values[id] = Array(repeating: v, count: n)
        case .map(let f, let a):
            ev.values[id] = try ev.values[a]!.map { (x: Value?) throws(EvaluationError) -> Value? in
                guard let x else { return nil }
                do throws(ValueError) { return try f.apply(x) } catch {
                    if case .arithmetic = error { return nil }
                    throw fail("\(error) for input \(x.repr)")
                }
            }
        case .sequenceMap(let f, let a, let b):
            let xs = ev.values[a]!, ys = ev.values[b]!
            var out: [Value?] = []
            for i in 0..<n {
                guard let x = xs[i], let y = ys[i] else { out.append(nil); continue }
                do throws(ValueError) { out.append(try f.apply(x, y)) } catch {
                    if case .arithmetic = error { out.append(nil); continue }
                    throw fail("\(error) for inputs \(x.repr), \(y.repr)")
                }
            }
            ev.values[id] = out
        case .linearSequenceMap(let a, let b, let fa, let fb):
            let xs = ev.values[a]!, ys = ev.values[b]!
            var out: [Value?] = []
            for i in 0..<n {
                guard let x = xs[i]?.number, let y = ys[i]?.number else {
                    if xs[i] == nil || ys[i] == nil { out.append(nil); continue }
                    throw fail("LinearSequenceMap needs numbers, got \(xs[i]!.repr), \(ys[i]!.repr)")
                }
                out.append(.float(fa * x + fb * y))
            }
            ev.values[id] = out
        case .select(let k, let q, let p):
            let keys = ev.values[k]!, queries = ev.values[q]!
            var m = Array(repeating: Array(repeating: false, count: n), count: n)
            for qi in 0..<n {
                guard let qv = queries[qi] else { continue }
                for ki in 0..<(causal ? qi + 1 : n) {
                    guard let kv = keys[ki] else { continue }
                    do throws(ValueError) { m[qi][ki] = try p.holds(key: kv, query: qv) } catch {
                        if case .arithmetic = error { continue }
                        throw fail("\(error) for key \(kv.repr), query \(qv.repr)")
                    }
                }
            }
            ev.selections[id] = m
        case .selectorWidth(let s):
            ev.values[id] = ev.selections[s]!.map { row in .int(row.reduce(0) { $0 + ($1 ? 1 : 0) }) }
        case .aggregate(let s, let v, let d):
            let sel = ev.selections[s]!, vals = ev.values[v]!
            var out: [Value?] = []
            for qi in 0..<n {
                let chosen = (0..<n).filter { sel[qi][$0] }
                if chosen.isEmpty { out.append(d); continue }
                if node.encoding == .numerical {
                    var sum = 0.0
                    for ki in chosen {
                        guard let x = vals[ki] else { continue }
                        guard let num = x.number else { throw fail("numerical Aggregate of non-number \(x.repr)") }
                        sum += num
                    }
                    out.append(chosen.count == 1 && vals[chosen[0]] != nil ? vals[chosen[0]] : .float(sum / Double(chosen.count)))
                } else {
                    let defined = chosen.compactMap { vals[$0] }
                    guard let first = defined.first else { out.append(nil); continue }
                    if let other = defined.first(where: { $0 != first }) {
                        ev.unsupported.append("\(labels[id] ?? "?"): categorical Aggregate at position \(qi) selects different values \(first.repr) and \(other.repr) (tracr compiles only selections that move one value)")
                        out.append(nil)
                        continue
                    }
                    out.append(first)
                }
            }
            ev.values[id] = out
        }
    }
    return ev
}
