// Pass 3: expressions → craft blocks (tracr's expr_to_craft_graph.py). Maps and SequenceMaps
// become MLPs (lookup tables, pair tables, discretising numerical MLPs), Aggregates become
// attention heads, SelectorWidth an attention head plus an MLP. Directions `one` and
// `tokens:BOS` serve every block.
import RASP
import Craft

public enum CraftBlock: Sendable {
    case mlp(MLPBlock)
    case attention(AttentionBlock)
    case selectorWidth(AttentionBlock, MLPBlock)

    public var isAttention: Bool { if case .attention = self { true } else { false } }
    public var isMLP: Bool { if case .mlp = self { true } else { false } }
}

public let oneDirection = Direction("one")

public func buildBlocks(_ g: ProgramGraph, _ vs: ValueSets, _ o: CompileOptions) throws(CompileError) -> [ExprID: CraftBlock] {
    let bos = Direction("tokens", .string(o.bos))
    let one = oneDirection
    var blocks: [ExprID: CraftBlock] = [:]
    for n in g.nodes where n.isSOp {
        let out = vs.spaces[n.id]!
        func fail(_ e: any Error) -> CompileError { CompileError("\(n.label) (\(n.expr.kindName)): \(e)") }
        func selectorSpaces(_ sel: ExprID) throws(CompileError) -> (AttentionSpaces, Predicate) {
            guard case .select(let k, let q, let p) = g.node(sel).expr else { throw CompileError("\(n.label): expected a Select") }
            return (AttentionSpaces(query: vs.spaces[q]!, key: vs.spaces[k]!, bos: bos, one: one), p)
        }
        do {
            switch n.expr {
            case .tokens, .indices, .full, .select:
                continue
            case .map(let f, let c):
                let inSpace = vs.spaces[c]!
                let hidden = "_hidden_\(n.label)_"
                switch (g.node(c).encoding, n.encoding) {
                case (.categorical, .categorical):
                    blocks[n.id] = .mlp(try mapCategoricalMLP(input: inSpace, output: out, hiddenName: hidden, f: arithmeticAsNone(f.apply)))
                case (.categorical, .numerical):
                    blocks[n.id] = .mlp(try mapCategoricalToNumericalMLP(input: inSpace, output: out.basis[0], f: arithmeticAsNone(f.apply)))
                case (.numerical, let enc):
                    let inputs = vs.values[c]!.compactMap(\.number)
                    let fn: (Double) throws -> Value? = { x in try arithmeticAsNone(f.apply)(.float(x)) }
                    blocks[n.id] = .mlp(enc == .categorical
                        ? try mapNumericalToCategoricalMLP(input: inSpace.basis[0], output: out, one: one, inputValues: inputs, hiddenName: hidden, large: o.mlpExactness, f: fn)
                        : try mapNumericalMLP(input: inSpace.basis[0], output: out.basis[0], one: one, inputValues: inputs, hiddenName: hidden, large: o.mlpExactness, f: fn))
                }
            case .sequenceMap(let f, let a, let b):
                let apply = arithmeticAsNone2(f.apply)
                if vs.spaces[a]! == vs.spaces[b]! {
                    blocks[n.id] = .mlp(try mapCategoricalMLP(input: vs.spaces[a]!, output: out, hiddenName: "_hidden_\(n.label)_", f: { x in try apply(x, x) }))
                } else {
                    blocks[n.id] = .mlp(try sequenceMapCategoricalMLP(first: vs.spaces[a]!, second: vs.spaces[b]!, output: out, one: one,
                                                                      hiddenName: "_hidden_\(n.label)_", f: apply))
                }
            case .linearSequenceMap(let a, let b, let fa, let fb):
                blocks[n.id] = .mlp(linearSequenceMapMLP(first: vs.spaces[a]!.basis[0], second: vs.spaces[b]!.basis[0], output: out.basis[0],
                                                         a: fa, b: fb, hiddenName: "_hidden_\(n.label)_"))
            case .aggregate(let sel, let s, _):
                let (spaces, p) = try selectorSpaces(sel)
                blocks[n.id] = .attention(try categoricalAttention(spaces, value: vs.spaces[s]!, output: out, coldness: 100,
                                                                   predicate: { k, q in try p.holds(key: k, query: q) }))
            case .selectorWidth(let sel):
                let (spaces, p) = try selectorSpaces(sel)
                let (head, mlp) = try selectorWidthBlocks(spaces, output: out, categorical: n.encoding == .categorical,
                                                          attnOutput: Direction("\(n.label)_selector_width_attn_output"),
                                                          widths: Array(0...o.maxSeqLen), coldness: 100, large: o.mlpExactness,
                                                          hiddenName: "_hidden_\(n.label)_", predicate: { k, q in try p.holds(key: k, query: q) })
                blocks[n.id] = .selectorWidth(head, mlp)
            }
        } catch let e as CompileError {
            throw e
        } catch {
            throw fail(error)
        }
    }
    return blocks
}

/// tracr ignores arithmetic errors while building tables (the entry is left empty).
func arithmeticAsNone(_ f: @escaping (Value) throws(ValueError) -> Value?) -> (Value) throws -> Value? {
    { x in
        do throws(ValueError) { return try f(x) } catch {
            if case .arithmetic = error { return nil }
            throw error
        }
    }
}

func arithmeticAsNone2(_ f: @escaping (Value, Value) throws(ValueError) -> Value?) -> (Value, Value) throws -> Value? {
    { x, y in
        do throws(ValueError) { return try f(x, y) } catch {
            if case .arithmetic = error { return nil }
            throw error
        }
    }
}
