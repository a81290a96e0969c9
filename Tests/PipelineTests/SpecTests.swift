// pipeline.json validation: syntax errors with line and column; unknown inputs, cycles, duplicate
// outputs, unknown tools, bad placeholders and missing executables are all rejected before
// anything runs, every problem listed at once.
import Foundation
import JSONText
import Testing
@testable import Pipeline

@Suite struct SpecTests {
    func problems(_ text: String, _ repo: TestRepo) -> [String] {
        do { _ = try parseSpec(text, root: repo.root); return [] } catch { return error.problems }
    }

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        let p = problems("{\"format\": \"graft-pipeline\",\n \"version\": 1,\n \"stages\": {\"a\": {\"tool\": \"x\",}}}", repo)
        #expect(p == ["pipeline.json:3:31: syntax error: expected a quoted key, found '}'"])
    }

    @Test func everyProblemAtOnce() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        let text = """
        {"format": "graft-pipeline", "version": 1,
         "tools": {"t": {"exec": "tools/gen.sh", "code": ["tools/gen.sh", "tools/none.sh"]}},
         "stages": {
          "a": {"tool": "t", "args": ["{in.x}", "{out.y}"], "inputs": {"x": "b:out"}, "outputs": ["out"]},
          "b": {"tool": "t", "args": ["{in.x}", "{out.out}"], "inputs": {"x": "a:out"}, "outputs": ["out"]},
          "c": {"tool": "nope", "args": ["{param.k}", "{bogus}"], "params": {"j": 1}, "outputs": ["o", "o"]},
          "d": {"tool": "t", "inputs": {"x": "missing/stage:out", "y": "a:zzz", "z": "../etc/passwd"}, "outputs": ["o"]}
         }}
        """
        let p = problems(text, repo)
        let expected = [
            "pipeline.json:2:67: tools.t.code.1: \"tools/none.sh\" does not exist",
            "pipeline.json:4:8: stages.a: cycle: a → b → a",
            "pipeline.json:4:41: stages.a.args.1: bad placeholder {out.y}: no output \"y\" (outputs: out)",
            "pipeline.json:6:17: stages.c.tool: unknown tool \"nope\" (declared: t)",
            "pipeline.json:6:34: stages.c.args.0: bad placeholder {param.k}: no parameter \"k\" (params: j)",
            "pipeline.json:6:47: stages.c.args.1: bad placeholder {bogus} in \"{bogus}\" (use {in.NAME}, {out.NAME}, {param.NAME} or {params})",
            "pipeline.json:6:96: stages.c.outputs.1: duplicate output \"o\"",
            "pipeline.json:7:38: stages.d.inputs.x: unknown input \"missing/stage:out\": no such file and no stage instance is named missing/stage",
            "pipeline.json:7:64: stages.d.inputs.y: unknown input \"a:zzz\": a declares no output \"zzz\" (it declares: out)",
            "pipeline.json:7:78: stages.d.inputs.z: unknown input \"../etc/passwd\": \"../etc/passwd\" leaves the repository (..)",
        ]
        #expect(p == expected)
    }

    @Test func missingExecutableIsRejectedBeforeAnythingRuns() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        unlink(repo.root + "/tools/cat.sh")
        try repo.write("tools/cat.sh", "not executable")
        #expect { try repo.run() } throws: { "\($0)".contains("tool cat: executable tools/cat.sh is missing or not executable") }
        #expect(repo.executed().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/pipeline.lock"))
    }

    @Test func unknownTargetsAndProfileValuesAreErrors() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        #expect { try repo.run(["nothing"]) } throws: { "\($0)".contains("no stage instance is named nothing") }
        let v = try parseJSON(#"{"n": {"$profile": {"smoke": 1, "default": 2}}, "m": [{"$profile": {"smoke": 3, "paper": 4}}]}"#)
        #expect(try resolveParams(v, profile: "smoke", stage: "s") == ["n": 1, "m": [3]])
        #expect { try resolveParams(v, profile: "default", stage: "s") } throws: {
            "\($0)" == "stages.s.params.m.0: no value for profile \"default\" (has: paper, smoke)"
        }
        #expect(profileShapeProblem(try parseJSON(#"{"$profile": {"a": 1}, "b": 2}"#)) != nil)
    }
}
