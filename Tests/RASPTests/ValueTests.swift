// Python semantics of RASP values: cross-type equality and hashing, floor division and
// modulo signs, str() rendering, truthiness, comparison errors.
import Testing
@testable import RASP

@Suite struct ValueTests {
    @Test func numbersCompareAcrossTypes() {
        #expect(Value.bool(true) == .int(1))
        #expect(Value.int(2) == .float(2.0))
        #expect(Value.string("1") != .int(1))
        #expect(Set<Value>([.bool(true), .int(1), .float(1.0)]).count == 1)
        #expect(Set<Value>([.int(0), .bool(false), .string("0")]).count == 2)
    }

    @Test func pythonArithmetic() throws {
        #expect(try Value.pyArithmetic("//", .int(-7), .int(2)) == .int(-4))
        #expect(try Value.pyArithmetic("%", .int(-7), .int(3)) == .int(2))
        #expect(try Value.pyArithmetic("%", .int(7), .int(-3)) == .int(-2))
        #expect(try Value.pyArithmetic("/", .int(1), .int(4)) == .float(0.25))
        #expect(try Value.pyArithmetic("**", .int(10), .int(2)) == .int(100))
        #expect(try Value.pyArithmetic("**", .int(1), .int(Int.max)) == .int(1))
        #expect(throws: ValueError.self) { try Value.pyArithmetic("**", .int(3), .int(1 << 40)) }
        #expect(try Value.pyArithmetic("+", .string("a"), .string("b")) == .string("ab"))
        #expect(try Value.pyArithmetic("+", .bool(true), .int(2)) == .int(3))
        #expect(throws: ValueError.self) { try Value.pyArithmetic("//", .int(1), .int(0)) }
        #expect(throws: ValueError.self) { try Value.pyArithmetic("+", .string("a"), .int(1)) }
    }

    @Test func strMatchesPython() {
        #expect(Value.bool(true).description == "True")
        #expect(Value.float(1).description == "1.0")
        #expect(Value.float(0.5).description == "0.5")
        #expect(Value.int(-3).description == "-3")
        #expect(Value.string("(").description == "(")
    }

    @Test func orderingAndErrors() throws {
        #expect(try Value.pyLess(.int(1), .float(1.5)))
        #expect(try Value.pyLess(.string("10"), .string("9")))
        #expect(throws: ValueError.self) { try Value.pyLess(.string("a"), .int(1)) }
        #expect(!Value.int(0).truthy && Value.string("x").truthy && !Value.string("").truthy)
    }
}
