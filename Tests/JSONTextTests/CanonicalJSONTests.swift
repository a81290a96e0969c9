// Canonical JSON: one spelling per value (sorted keys, fixed numbers, minimal escapes).
import Testing
@testable import JSONText

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysAndFixesNumbers() throws {
        let v: JSONValue = ["b": 1.0, "a": ["z": -0.0, "y": 0.1, "x": 1e-7, "w": 2.5e20, "v": 123456789012], "é": "q\"\\\n\u{01}"]
        #expect(try CanonicalJSON.string(v) == #"{"a":{"v":123456789012,"w":2.5e+20,"x":1e-07,"y":0.1,"z":0},"b":1,"é":"q\"\\\n\u0001"}"#)
    }

    @Test func sameValueSameBytesWhateverTheSpelling() throws {
        let a = try parseJSON(#"{"x": 1.0, "y": [1e2, 0.50], "z": "\u0041"}"#)
        let b = try parseJSON(#"{ "z":"A","y":[100,0.5],"x":1 }"#)
        #expect(try CanonicalJSON.encode(a) == CanonicalJSON.encode(b))
    }

    @Test func roundTripsAndRefusesNonFinite() throws {
        let v: JSONValue = ["k": [1, 2.25, "s", nil, true], "n": ["m": [:]]]
        #expect(try parseJSON(CanonicalJSON.string(v)) == v)
        #expect(try parseJSON(bytes: CanonicalJSON.pretty(v)) == v)
        #expect(throws: CanonicalJSONError.self) { try CanonicalJSON.encode(.double(.nan)) }
        #expect(throws: CanonicalJSONError.self) { try CanonicalJSON.encode(["x": .double(.infinity)]) }
    }

    // The compiled-model metadata's spelling: a double never looks like an integer, so RASP's
    // 1.0 reads back as a float; keys and strings as in the canonical form.
    @Test func keepingKindSpellsDoublesAsDoubles() throws {
        let v: JSONValue = ["b": 1.0, "a": [-0.0, 0.1, 1e-7, 2.5e20, 3, .double(.nan)], "s": "x"]
        let text = try CanonicalJSON.string(v, doubles: .keepingKind)
        #expect(text == #"{"a":[-0.0,0.1,1e-07,2.5e+20,3,null],"b":1.0,"s":"x"}"#)
        #expect(try parseJSON(text)["b"] == .double(1))
        #expect(try parseJSON(text)["a"]?.arrayValue?[4] == .int(3))
    }
}
