// The expression arena: tracr's Map merging, copies made by naming, and labels numbered in
// breadth-first order from the output.
import Testing
@testable import RASP

@Suite struct ProgramTests {
    func inc() -> Function1 { Function1("x + 1") { (x: Value) throws(ValueError) -> Value? in try Value.pyArithmetic("+", x, .int(1)) } }

    @Test func mapOfMapIsMerged() throws {
        var a = ExprArena()
        let m1 = a.map(inc(), a.tokens)
        let m2 = a.map(inc(), m1)
        guard case .map(let f, let inner) = a[m2].expr else { Issue.record("not a map"); return }
        #expect(inner == a.tokens)
        #expect(try f.apply(.int(1)) == .int(3))
    }

    @Test func labelsFollowBreadthFirstOrder() {
        var a = ExprArena()
        let sel = a.select(keys: a.tokens, queries: a.indices, .comparison(.eq))
        let w = a.named(a.selectorWidth(sel), "width")
        let m = a.map(inc(), w)
        let p = Program(arena: a, output: m)
        let labels = p.labels()
        #expect(labels[m] == "map_1")
        #expect(labels[w] == "width_2")
        #expect(labels[sel] == "select_3")
        #expect(labels[a.tokens] == "tokens")
        #expect(labels[a.indices] == "indices")
    }

    @Test func namingCopies() {
        var a = ExprArena()
        let m = a.map(inc(), a.tokens)
        let n = a.named(m, "foo")
        #expect(n != m)
        #expect(a[n].name_ == "foo")
        #expect(a[m].name_ == "map")
        #expect(a.named(a.tokens, "x") == a.tokens)
    }
}
