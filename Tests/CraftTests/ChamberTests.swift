// The weight builders on one-hot inputs: lookup-table Map, pair-table SequenceMap, the
// discretising numerical MLP, attention scores with the BOS term, and parallel combination
// with a shared clean-BOS unit.
import Testing
@testable import Craft
@testable import RASP

/// relu(x · first) · second for one input vector over the block's input space.
func apply(_ b: MLPBlock, _ x: [Direction: Double]) -> [Direction: Double] {
    var hidden = [Double](repeating: 0, count: b.hidden.count)
    for (d, v) in x { if let i = b.input.position(of: d) { for h in 0..<b.hidden.count { hidden[h] += v * Double(b.first[i, h]) } } }
    var out: [Direction: Double] = [:]
    for (j, d) in b.output.basis.enumerated() {
        var s = 0.0
        for h in 0..<b.hidden.count { s += max(0, hidden[h]) * Double(b.second[h, j]) }
        if abs(s) > 1e-6 { out[d] = s }
    }
    return out
}

@Suite struct ChamberTests {
    let one = Direction("one")

    @Test func lookupTable() {
        let input = Space(name: "x", values: [.int(1), .int(2), .int(3)])
        let output = Space(name: "y", values: [.int(0), .int(1)])
        let b = mapCategoricalMLP(input: input, output: output, hiddenName: "h") { x in .int(x.integer! % 2) }
        #expect(b.hidden.count == 2)
        #expect(apply(b, [Direction("x", .int(3)): 1, one: 1]) == [Direction("y", .int(1)): 1])
        #expect(apply(b, [Direction("x", .int(2)): 1]) == [Direction("y", .int(0)): 1])
    }

    @Test func pairTable() {
        let a = Space(name: "a", values: [.int(0), .int(1)]), c = Space(name: "c", values: [.int(0), .int(1), .int(2)])
        let out = Space(name: "s", values: (0...3).map { .int($0) })
        let b = sequenceMapCategoricalMLP(first: a, second: c, output: out, one: one, hiddenName: "h") { x, y in .int(x.integer! + y.integer!) }
        #expect(b.hidden.count == 6)
        #expect(apply(b, [Direction("a", .int(1)): 1, Direction("c", .int(2)): 1, one: 1]) == [Direction("s", .int(3)): 1])
    }

    @Test func discretisingMLP() throws {
        let widths = (0...5).map { 1 / Double($0 + 1) }
        let out = Space(name: "w", values: (0...5).map { .int($0) })
        let b = try mapNumericalToCategoricalMLP(input: Direction("a"), output: out, one: one, inputValues: widths, hiddenName: "h", large: 100) {
            .int(Int((1 / $0 - 1).rounded()))
        }
        #expect(b.hidden.count == 1 + 2 * 5)
        for w in 0...5 {
            let r = apply(b, [Direction("a"): 1 / Double(w + 1), one: 1])
            #expect(r == [Direction("w", .int(w)): 1])
        }
    }

    @Test func attentionPrefersMatchesOverBOS() throws {
        let s = AttentionSpaces(query: Space(name: "q", values: [.int(0), .int(1)]), key: Space(name: "k", values: [.int(0), .int(1)]),
                                bos: Direction("tokens", .string("bos")), one: one)
        let h = try categoricalAttention(s, value: Space(name: "v", values: [.string("a")]), output: Space(name: "o", values: [.string("a")]),
                                         coldness: 100) { k, q in k == q }
        let qi = h.query.position(of: Direction("q", .int(1)))!, ki = h.key.position(of: Direction("k", .int(1)))!
        let oneRow = h.query.position(of: one)!, bosCol = h.key.position(of: Direction("tokens", .string("bos")))!
        #expect(h.qk[qi, ki] == 100)
        #expect(h.qk[oneRow, bosCol] == 50)
        #expect(h.qk[qi, h.key.position(of: Direction("k", .int(0)))!] == 0)
        // BOS maps to the default (zero) output.
        #expect(h.ov[h.value.position(of: Direction("tokens", .string("bos")))!, 0] == 0)
    }

    @Test func sharedCleanUnitIsNotDoubled() throws {
        let s = AttentionSpaces(query: Space(name: "q", values: [.int(0)]), key: Space(name: "k", values: [.int(0)]),
                                bos: Direction("tokens", .string("bos")), one: one)
        func sw(_ name: String) throws -> MLPBlock {
            try selectorWidthBlocks(s, output: Space(name: name, values: (0...3).map { .int($0) }), categorical: true,
                                    attnOutput: Direction("\(name)_attn"), widths: Array(0...3), coldness: 100, large: 100,
                                    hiddenName: "_hidden_\(name)_") { _, _ in true }.1
        }
        let both = combineInParallel([try sw("a"), try sw("b")])
        #expect(both.hidden.count == 2 * 7 + 1)
        let r = apply(both, [Direction("tokens", .string("bos")): 1, Direction("a_attn"): 1, Direction("b_attn"): 1, one: 1])
        // At BOS the MLP cancels what the heads wrote (1 each) and its own width-0 output, once.
        #expect(r == [Direction("a_attn"): -1, Direction("b_attn"): -1])
    }
}
