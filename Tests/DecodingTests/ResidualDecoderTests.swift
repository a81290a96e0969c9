// The paper's argmax rule on hand-made vectors: labels split at the first ':', labels without ':'
// decode to "True", ties go to the first dimension, negative activations still have an argmax.
import Testing
import Decoding

@Suite struct ResidualDecoderTests {
    let labels = ["a:1", "a:2", "a:3", "one", "c:x", "c:y", "t:x:y", "t:z"]

    @Test func variablesInOrderOfFirstAppearance() throws {
        let d = try ResidualDecoder(labels: labels)
        #expect(d.names == ["a", "one", "c", "t"])
        #expect(d.variables[0].dims == [0, 1, 2] && d.variables[0].values == ["1", "2", "3"])
        #expect(d.variables[1].values == ["True"] && d.variables[1].isConstant)
        #expect(d.variables[3].values == ["x:y", "z"])             // split at the FIRST ':'
    }

    @Test func argmaxPerVariable() throws {
        let d = try ResidualDecoder(labels: labels)
        let rows: [Float] = [0.1, 0.9, 0.2, -5, 0.3, 0.3, -2, -1,     // a=2, one=True, c tie → x, t: -1 > -2 → z
                             3, 0, 0, 0, 0, 1, 0.5, 0.4]              // a=1, c=y, t=x:y
        #expect(try d.decode(rows, positions: 2) == [["2", "True", "x", "z"], ["1", "True", "y", "x:y"]])
        #expect(try d.decode(rows, positions: [1]) == [["1", "True", "y", "x:y"]])
    }

    @Test func truthIsNilWhereTheMaximumIsNotUnique() throws {
        let d = try ResidualDecoder(labels: ["x:0", "x:1", "x:2", "one"])
        #expect(try d.truth([0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1], positions: [0, 1, 2]) == [[nil, "True"], ["1", "True"], [nil, "True"]])
        #expect(try d.decode([0, 0, 0, 1], positions: 1) == [["0", "True"]])      // the paper's rule still picks the first
    }

    @Test func oneDimensionalVariablesAlwaysDecodeToTheirValue() throws {
        let d = try ResidualDecoder(labels: ["one", "x:0", "x:1"])
        for v: Float in [-100, 0, 100] { #expect(try d.decode([v, 0, 1], positions: 1) == [["True", "1"]]) }
    }

    @Test func badInputIsAnError() throws {
        #expect(throws: DecodeError.self) { try ResidualDecoder(labels: []) }
        #expect(throws: DecodeError.self) { try ResidualDecoder(labels: [":v"]) }
        let d = try ResidualDecoder(labels: ["x:0", "x:1"])
        do { _ = try d.decode([1, 2, 3], positions: 2); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("3 values do not form 2 positions × 2 dimensions"))
        }
        #expect(throws: DecodeError.self) { try d.decode([1, 2], positions: [1]) }
    }
}
