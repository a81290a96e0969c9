// Profiles and argv templates: resolution per profile at any depth, placeholder parsing and
// substitution, literal braces.
import JSONText
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

    @Test func profileNamesAreCollectedAndAnUnknownOneIsRefused() throws {
        let v = try parseJSON(#"{"a": {"b": {"$profile": {"smoke": 1, "default": 2}}}, "l": [{"$profile": {"paper": "p"}}]}"#)
        #expect(profileNames(v) == ["smoke", "default", "paper"])
        let repo = try TestRepo("profiles")
        defer { repo.remove() }
        try repo.writeSpec(TestRepo.standardSpec(offset: 0, modulus: 1000, genCount: ["$profile": ["smoke": 3, "default": 5]]))
        let (code, out) = try runPipeline(["run", "--profile", "bogus"], in: repo.root)
        #expect(code != 0 && out.contains("unknown profile \"bogus\": pipeline.json defines default, smoke"), "\(out)")
        #expect(repo.executed().isEmpty)
        let (statusCode, statusOut) = try runPipeline(["status", "--profile", "bogus"], in: repo.root)
        #expect(statusCode != 0 && statusOut.contains("unknown profile \"bogus\""), "\(statusOut)")
        let (jobsCode, jobsOut) = try runPipeline(["run", "--jobs", "0"], in: repo.root)
        #expect(jobsCode != 0 && jobsOut.contains("--jobs must be ≥ 1"), "\(jobsOut)")
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
