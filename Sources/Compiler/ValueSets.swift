// Pass 2: value-set inference (tracr's basis_inference.py). Each s-op's possible values follow
// from vocab and max_seq_len: Maps and SequenceMaps apply their function to every input value
// (pair), skipping arithmetic errors and None; categorical Aggregates pass values through;
// numerical Aggregates of 0/1 values give v/len; SelectorWidth gives 0…max_seq_len.
import RASP
import Craft

public struct ValueSets: Sendable {
    /// Per s-op, its values in first-seen order (no duplicates under Python equality).
    public var values: [ExprID: [Value]] = [:]
    /// Per s-op, its residual directions: one per value (categorical) or one (numerical).
    public var spaces: [ExprID: Space] = [:]
}

public func inferValueSets(_ g: ProgramGraph, _ o: CompileOptions) throws(CompileError) -> ValueSets {
    var vs = ValueSets()
    for id in g.topological where g.node(id).isSOp { _ = try valueSet(id, g, o, &vs) }
    return vs
}

private func valueSet(_ id: ExprID, _ g: ProgramGraph, _ o: CompileOptions, _ vs: inout ValueSets) throws(CompileError) -> [Value] {
    if let v = vs.values[id] { return v }
    let n = g.node(id)
    var out: [Value] = []
    var seen: Set<Value> = []
    func add(_ v: Value?) { if let v, seen.insert(v).inserted { out.append(v) } }
    func sortedInputs(_ c: ExprID) throws(CompileError) -> [Value] {
        let xs = try valueSet(c, g, o, &vs)
        return xs.map { Direction("", $0) }.sorted().map { $0.value! }
    }
    func failure(_ e: ValueError, _ args: String) -> CompileError {
        CompileError("\(n.label) (\(n.expr.kindName)): \(e) when applied to \(args) during value-set inference")
    }
    switch n.expr {
    case .tokens: for v in o.vocab { add(v) }
    case .indices: for i in 0..<o.maxSeqLen { add(.int(i)) }
    case .selectorWidth: for i in 0...o.maxSeqLen { add(.int(i)) }
    case .full(let v): add(v)
    case .map(let f, let c):
        for x in try sortedInputs(c) {
            do throws(ValueError) { add(try f.apply(x)) } catch {
                if case .arithmetic = error { continue }
                throw failure(error, x.repr)
            }
        }
    case .sequenceMap(let f, let a, let b):
        let xs = try sortedInputs(a), ys = try sortedInputs(b)
        if xs.count * ys.count > o.hiddenLimit {
            throw CompileError("\(n.label) (SequenceMap): its inputs \(g.label(a)) (\(xs.count) values) and \(g.label(b)) (\(ys.count) values) make \(xs.count * ys.count) pairs, more than the limit \(o.hiddenLimit) of MLP hidden units")
        }
        for x in xs {
            for y in ys {
                do throws(ValueError) { add(try f.apply(x, y)) } catch {
                    if case .arithmetic = error { continue }
                    throw failure(error, "\(x.repr), \(y.repr)")
                }
            }
        }
    case .linearSequenceMap(let a, let b, let fa, let fb):
        for x in try sortedInputs(a) {
            for y in try sortedInputs(b) {
                guard let p = x.number, let q = y.number else { throw CompileError("\(n.label): LinearSequenceMap of non-numbers \(x.repr), \(y.repr)") }
                add(.float(fa * p + fb * q))
            }
        }
    case .aggregate(_, let s, _):
        let inner = try valueSet(s, g, o, &vs)
        if n.encoding == .categorical {
            for v in inner { add(v) }
        } else {
            for v in inner where !(v.number.map { $0 == 0 || $0 == 1 } ?? false) {
                throw CompileError("\(n.label): a numerical Aggregate can only average 0/1 values (tracr's limit); \(g.label(s)) takes the value \(v.repr)")
            }
            for v in inner { for len in 1...max(1, o.maxSeqLen) { add(.float(v.number! / Double(len))) } }
        }
    case .select:
        return []
    }
    if out.isEmpty {
        throw CompileError("\(n.label) (\(n.expr.kindName)) can take no value: its function raised an error (or gave nothing) for every input value, so it would have no residual dimension. Fix the function (e.g. a division by zero) or its inputs")
    }
    if out.count > o.valueSetLimit {
        throw CompileError("\(n.label) (\(n.expr.kindName)) takes \(out.count) values, more than the limit \(o.valueSetLimit); each value becomes a residual dimension. Narrow its function's outputs or lower max_seq_len")
    }
    vs.values[id] = out
    vs.spaces[id] = n.encoding == .categorical ? Space(name: n.label, values: out) : Space([Direction(n.label)])
    return out
}
