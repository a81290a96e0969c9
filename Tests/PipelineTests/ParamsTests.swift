// Profiles and argv templates: resolution per profile at any depth, placeholder parsing and
// substitution, literal braces.
import Testing
@testable import Pipeline

@Suite struct ParamsTests {
    @Test func profilesResolveAtAnyDepth() throws {
        let v = try parseJSON(#"{"a": {"b": {"$profile": {"smoke": 1, "default": 2}}}, "l": [{"$profile": {"smoke": "s", "default": "d"}}], "c": 3}"#)
        #expect(try resolveParams(v, profile: "smoke", stage: "x") == ["a": ["b": 1], "l": ["s"], "c": 3])
        #expect(try resolveParams(v, profile: "default", stage: "x") == ["a": ["b": 2], "l": ["d"], "c": 3])
        #expect(profileShapeProblem(try parseJSON(#"{"$profile": {}}"#)) != nil)
        #expect(profileShapeProblem(try parseJSON(#"{"$profile": 3}"#)) != nil)
        #expect(profileShapeProblem(v) == nil)
    }

    @Test func placeholdersSubstitute() {
        let args = substitute(["--in={in.x}", "{out.y}", "{param.n}", "{param.s}", "{param.o}", "{params}", "{{literal}}"],
                              inputs: ["x": "/i"], outputs: ["y": "/o"], params: ["n": 3, "s": "text", "o": ["a": [1, 2]]], paramsPath: "/p.json")
        #expect(args == ["--in=/i", "/o", "3", "text", "{\"a\":[1,2]}", "/p.json", "{literal}"])
    }

    @Test func malformedTemplatesAreNamed() {
        #expect(placeholderProblems("{in.z}", inputs: [:], outputs: [:], params: [:]) == ["bad placeholder {in.z}: no input \"z\" (inputs: )"])
        #expect(placeholderProblems("a{b", inputs: [:], outputs: [:], params: [:])[0].contains("unclosed '{'"))
        #expect(placeholderProblems("a}b", inputs: [:], outputs: [:], params: [:])[0].contains("unmatched '}'"))
        #expect(placeholderProblems("{out.}", inputs: [:], outputs: [:], params: [:])[0].contains("bad placeholder {out.}"))
    }
}
