// Direction order follows tracr's: by name, then value; strings by code point; mixed value
// types fall back to comparing the `name:value` text. Spaces deduplicate and sort.
import Testing
@testable import Craft
@testable import RASP

@Suite struct BasisTests {
    @Test func tracrOrder() {
        let dirs = [Direction("tokens", .string("10")), Direction("tokens", .string("9")), Direction("one"),
                    Direction("indices", .int(10)), Direction("indices", .int(9)), Direction("tokens", .string("bos"))]
        #expect(Space(dirs).basis.map(\.description) == ["indices:9", "indices:10", "one", "tokens:10", "tokens:9", "tokens:bos"])
    }

    @Test func mixedValuesCompareAsText() {
        // Python: True < 3 numerically; "a" against a number compares "x:a" with the other's text.
        let s = Space([Direction("x", .string("a")), Direction("x", .int(3)), Direction("x", .bool(true))])
        #expect(s.basis.map(\.description) == ["x:True", "x:3", "x:a"])
    }

    @Test func joinDeduplicates() {
        let a = Space(name: "v", values: [.int(1), .int(2)]), b = Space(name: "v", values: [.int(2), .int(3)])
        #expect(Space.join([a, b]).count == 3)
        #expect(Space([Direction("v", .int(1)), Direction("v", .bool(true))]).count == 1)
    }
}
