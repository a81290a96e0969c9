// Shuffle-Dyck generator: labels checked by an independent balance checker (per-family
// projection, repeated removal of adjacent pairs), no repeats, disjoint splits, OOD properties.
import Testing
@testable import Tasks
import Support

/// Independent oracle: project onto each family and delete adjacent open-close pairs until none remain.
func oracleBalanced(_ s: String, pairs: [(Character, Character)]) -> Bool {
    for (o, c) in pairs {
        var p = String(s.filter { $0 == o || $0 == c })
        let pair = String([o, c])
        while p.contains(pair) { p = p.replacingOccurrences(of: pair, with: "") }
        if !p.isEmpty { return false }
    }
    return true
}

func brackets(of e: Example) -> String {
    let prefix = "Are parenthesis here correctly matched? "
    #expect(e.prompt.hasPrefix(prefix) && e.prompt.hasSuffix("\nAnswer:"))
    return String(e.prompt.dropFirst(prefix.count).dropLast("\nAnswer:".count))
}

let three: [(Character, Character)] = [("(", ")"), ("[", "]"), ("{", "}")]
let four = three + [("<", ">")]

@Suite struct DyckTests {
    let sizes = TaskSizes(pool: 3000, test: 200, ood: 60)

    @Test func promptRendering() {
        #expect(Dyck.example("[(])").prompt == "Are parenthesis here correctly matched? [(])\nAnswer:")
        #expect(Dyck.example("[(])").label == "yes")
        #expect(Dyck.example("(]").label == "no")
        #expect(Dyck.example("())(").label == "no")
    }

    @Test func labelsSplitsAndBalance() throws {
        let d = try Dyck.generate(sizes: sizes, seed: 7)
        #expect(d.test.count == 200)
        #expect(d.train.count + d.test.count + d.notes.duplicatesRemoved == 3000)
        #expect(d.notes.duplicatesRemoved > 0)   // short strings repeat
        for e in d.train + d.test {
            let b = brackets(of: e)
            #expect((5...30).contains(b.count))
            #expect(e.label == (oracleBalanced(b, pairs: three) ? "yes" : "no"))
        }
        #expect(Set(d.train).count == d.train.count)
        #expect(Set(d.train).isDisjoint(with: d.test))
        let yes = (d.train + d.test).filter { $0.label == "yes" }.count
        #expect(Double(yes) / Double(d.train.count + d.test.count) > 0.4)
    }

    @Test func balancedConstructionIsBalanced() {
        var rng = SeededRNG(seed: 3)
        for _ in 0..<500 {
            let s = Dyck.balancedString(lengths: 5...30, families: Dyck.families, rng: &rng)
            #expect(s.count % 2 == 0 && (6...30).contains(s.count))
            #expect(oracleBalanced(s, pairs: three))
        }
    }

    @Test func oodSets() throws {
        let d = try Dyck.generate(sizes: sizes, seed: 7)
        let train = Set(d.train + d.test)
        let sets = Dictionary(uniqueKeysWithValues: d.ood.map { ($0.name, $0.examples) })
        #expect(sets.keys.sorted() == ["almost_balanced", "length_ood", "ood_new_token"])
        for e in sets["almost_balanced"]! {
            let b = brackets(of: e)
            #expect(b.count % 2 == 1 && (15...89).contains(b.count))
            #expect(e.label == "no" && !oracleBalanced(b, pairs: three))
        }
        for e in sets["length_ood"]! {
            let b = brackets(of: e)
            #expect((31...90).contains(b.count))
            #expect(e.label == (oracleBalanced(b, pairs: three) ? "yes" : "no"))
        }
        for e in sets["ood_new_token"]! {
            let b = brackets(of: e)
            #expect(b.contains("<") || b.contains(">"))
            #expect(e.label == (oracleBalanced(b, pairs: four) ? "yes" : "no"))
        }
        for (_, set) in d.ood {
            #expect(set.count == 60)
            #expect(Set(set).count == set.count)
            #expect(Set(set).isDisjoint(with: train))
        }
    }

    @Test func codeVariantLengths() throws {
        var o = Dyck.OODOptions()
        o.lengthFollowsCode = true
        let d = try Dyck.generate(sizes: sizes, options: o, seed: 7)
        let lengths = d.ood.first { $0.name == "length_ood" }!.examples.map { brackets(of: $0).count }
        #expect(lengths.allSatisfy { (5...90).contains($0) })
        #expect(lengths.contains { $0 <= 30 })
    }

    @Test func seedDeterminism() throws {
        let a = try Dyck.generate(sizes: sizes, seed: 11)
        let b = try Dyck.generate(sizes: sizes, seed: 11)
        let c = try Dyck.generate(sizes: sizes, seed: 12)
        #expect(a.train == b.train && a.test == b.test)
        #expect(a.train != c.train)
    }
}
