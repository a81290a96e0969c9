// Count generator: labels checked by counting characters, distinct strings, no x-only string
// in training, disjoint splits, OOD properties (x only, longer strings, y → z).
import Testing
@testable import Tasks
import Support

func chars(of e: Example) -> [Character] {
    let prefix = "What is the number of 'x' in this text? "
    #expect(e.prompt.hasPrefix(prefix) && e.prompt.hasSuffix("\nAnswer:"))
    let body = e.prompt.dropFirst(prefix.count).dropLast("\nAnswer:".count)
    return body.split(separator: " ").map { Character(String($0)) }
}

@Suite struct CountTests {
    let sizes = TaskSizes(pool: 3000, test: 200, ood: 50)

    @Test func promptRendering() {
        let e = Count.example(["x", "y", "x"])
        #expect(e.prompt == "What is the number of 'x' in this text? x y x\nAnswer:")
        #expect(e.label == "2")
        #expect(e.text == "What is the number of 'x' in this text? x y x\nAnswer: 2")
    }

    @Test func labelsAndSplits() throws {
        let d = try Count.generate(sizes: sizes, seed: 5)
        #expect(d.test.count == 200)
        for e in d.train + d.test {
            let c = chars(of: e)
            #expect((5...40).contains(c.count))
            #expect(c.contains("y"))
            #expect(e.label == String(c.filter { $0 == "x" }.count))
        }
        #expect(Set(d.train).count == d.train.count)
        #expect(Set(d.train).isDisjoint(with: d.test))
    }

    @Test func oodSets() throws {
        let d = try Count.generate(sizes: sizes, seed: 5)
        let seen = Set(d.train + d.test)
        let sets = Dictionary(uniqueKeysWithValues: d.ood.map { ($0.name, $0.examples) })
        let xOnly = sets["x_only"]!
        #expect(xOnly.count == 40)
        for (i, e) in xOnly.enumerated() {
            #expect(chars(of: e) == Array(repeating: "x", count: i + 1) && e.label == String(i + 1))
        }
        for e in sets["length_ood"]! {
            let c = chars(of: e)
            #expect((41...120).contains(c.count))
            #expect(e.label == String(c.filter { $0 == "x" }.count))
        }
        #expect(sets["length_ood"]!.count == 50)
        let z = sets["replace_y"]!
        #expect(z.count == d.test.count)
        for (e, t) in zip(z, d.test) {
            let c = chars(of: e)
            #expect(!c.contains("y") && c.contains("z"))
            #expect(e.label == t.label && e.label == String(c.filter { $0 == "x" }.count))
        }
        for (_, set) in d.ood { #expect(Set(set).isDisjoint(with: seen)) }
    }

    @Test func packedExampleMatchesCharacterExample() {
        var rng = SeededRNG(seed: 4)
        for _ in 0..<200 {
            let p = Count.draw(lengths: 5...40, rng: &rng)
            #expect(Count.example(p) == Count.example(p.chars))
        }
    }

    @Test func tooManyDistinctStringsIsAnError() {
        #expect(throws: TaskParameterError.self) {
            _ = try Count.generate(sizes: TaskSizes(pool: Int(1) << 42, test: 1, ood: 1), seed: 1)
        }
    }

    @Test func seedDeterminism() throws {
        let a = try Count.generate(sizes: sizes, seed: 1)
        let b = try Count.generate(sizes: sizes, seed: 1)
        let c = try Count.generate(sizes: sizes, seed: 2)
        #expect(a.train == b.train && a.ood.map(\.examples) == b.ood.map(\.examples))
        #expect(a.train != c.train)
    }
}
