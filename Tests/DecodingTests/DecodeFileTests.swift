// decode.json: the schema of COMMON.md / docs/report.md, parts that did not run as
// {"not_run": reason}, an absent control, sorted-key bytes, format checks; task rows with
// missing or inconsistent fields are errors naming the line.
import Foundation
import Testing
import Decoding
import StageFiles

@Suite struct DecodeFileTests {
    let example = DecodedExample(prompt: "p", tokens: ["a", "b"], layer: 3, variables: ["x", "y"],
                                 table: [["1", "True"], ["2", "True"]], truth: [["1", "True"], ["0", "True"]])

    @Test func schemaAndRoundTrip() throws {
        let s = DecodeSummary(task: "dyck", method: "injection", profile: "smoke", examples: [example],
                              accuracy: .value(["x": [0.5, 1]]), control: .notRun("no baseline"), scored: nil, wallSeconds: ["load": 1.5])
        let json = try s.json()
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format"] as? String == "graft-decode" && object["version"] as? Int == 1)
        #expect((object["control"] as? [String: String]) == ["not_run": "no baseline"])
        #expect((object["accuracy"] as? [String: [Double]]) == ["x": [0.5, 1]])
        let ex = try #require((object["examples"] as? [[String: Any]])?.first)
        #expect(Set(ex.keys) == ["prompt", "tokens", "layer", "variables", "table", "truth"])
        let path = temporaryPath("decode.json")
        try json.write(to: URL(fileURLWithPath: path))
        #expect(try DecodeSummary.read(path) == s)
        var absent = s
        absent.control = nil
        #expect(!String(decoding: try absent.json(), as: UTF8.self).contains("control"))
    }

    @Test func headlineMetrics() throws {
        let s = DecodeSummary(task: "dyck", method: "injection", profile: "smoke", examples: [],
                              accuracy: .value(["x": [0.5, 1], "y": [0, 0.5]]), control: .notRun("no baseline"), scored: nil, wallSeconds: [:])
        #expect(s.headlineMetrics == ["decode_accuracy_last_layer": 0.75])
    }

    @Test func wrongFormatIsAnError() throws {
        let path = temporaryPath("bad-decode.json")
        try Data(#"{"format":"graft-evaluation","version":1,"task":"dyck","method":"none","profile":"smoke","examples":[],"accuracy":{},"wall_seconds":{}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        do { _ = try DecodeSummary.read(path); Issue.record("expected an error") } catch { #expect("\(error)".contains("expected graft-decode")) }
    }

    @Test func taskRows() throws {
        let path = temporaryPath("rows.jsonl")
        try Data(("""
        {"prompt":"a","label":"b","lm_tokens":[5,6],"prompt_tokens":1,"compiled_tokens":["bos","(",")"],"lm_to_compiled":[1,2]}
        {"prompt":"c","label":"d","lm_tokens":[5],"compiled_tokens":["bos","("],"lm_to_compiled":[1]}

        """).utf8).write(to: URL(fileURLWithPath: path))
        let rows = try readTaskRows(path, limit: 1)
        #expect(rows.count == 1 && rows[0].compiled?.lmTokens == [5, 6] && rows[0].compiled?.promptTokens == 1)
        try Data(#"{"prompt":"a","label":"b"}"#.utf8).write(to: URL(fileURLWithPath: path))
        do { _ = try readTaskRows(path, limit: 5); Issue.record("expected an error") } catch { #expect("\(error)".contains("rows.jsonl:1")) }
        try Data(#"{"prompt":"a","label":"b","lm_tokens":[5,6],"prompt_tokens":1,"compiled_tokens":["bos","("],"lm_to_compiled":[1,2]}"#.utf8).write(to: URL(fileURLWithPath: path))
        do { _ = try readTaskRows(path, limit: 5); Issue.record("expected an error") } catch { #expect("\(error)".contains("compiled position 1..<2")) }
    }
}
