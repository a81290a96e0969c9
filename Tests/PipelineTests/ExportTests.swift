// pipeline export: the recorded outputs as plain files with the names pipeline.json gives them;
// stale and never-run stages refused (unless --allow-stale); a corrupt object never reaches disk.
import Foundation
import JSONText
import Testing
@testable import Pipeline

@Suite struct ExportTests {
    @Test func writesTheRecordedOutputsUnderTheirFileNames() throws {
        let repo = try TestRepo("export")
        defer { repo.remove() }
        try repo.run()
        let ws = try repo.workspace()
        let dir = repo.root + "/out"
        let lines = try ws.export("mod/a", to: dir, profile: "default")
        #expect(lines.count == 1 && lines[0].hasPrefix("mod/a:mod "))
        let d = try #require(try repo.lock().stages["mod/a"]?.outputs["mod"])
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/mod.txt"))) == (try ws.store.get(d)))
        // an output declared without a file name keeps its own name
        #expect(try ws.export("gen", to: dir, profile: "default") == ["gen/a:data \(try #require(try repo.lock().stages["gen/a"]?.outputs["data"]).short) → \(dir)/data (10 bytes)"])
        // the command line, one output by name; an unknown output is named in the error
        let (code, out) = try runPipeline(["export", "mod/a", "--to", dir + "/cli", "--output", "mod"], in: repo.root)
        #expect(code == 0 && out.contains("mod.txt"), "\(out)")
        #expect { try ws.export("mod/a", to: dir, outputs: ["nope"], profile: "default") } throws: { "\($0)".contains("no output 'nope'") }
    }

    /// --to naming an existing file is refused with words, before anything is written (issue 16, 11).
    @Test func aFileAsTheTargetFolderIsRefused() throws {
        let repo = try TestRepo("export-file")
        defer { repo.remove() }
        try repo.run()
        let file = repo.root + "/taken.txt"
        try Data("mine".utf8).write(to: URL(fileURLWithPath: file))
        #expect { try repo.workspace().export("mod/a", to: file, profile: "default") } throws: {
            "\($0)".contains("--to \(file) is a file") && !"\($0)".contains("NSCocoaErrorDomain")
        }
        #expect(repo.read("taken.txt") == "mine")
    }

    @Test func severalStagesGetAFolderEach() throws {
        let repo = try TestRepo("export-many")
        defer { repo.remove() }
        let gen: JSONValue = ["tool": "gen", "args": ["-n", "{param.count}", "-o", "{param.offset}", "--out", "{out.data}"],
                              "params": ["count": 2, "offset": 7], "outputs": ["data"]]
        try repo.writeSpec(["format": "graft-pipeline", "version": 1,
                            "tools": ["gen": ["exec": "tools/gen.sh", "code": ["tools/gen.sh"]]],
                            "stages": ["gen/a": gen, "gen/b": gen]])
        try repo.run()
        let lines = try repo.workspace().export("gen", to: repo.root + "/out", profile: "default")
        #expect(lines.count == 2)
        #expect(repo.read("out/gen/a/data") == "7\n8\n" && repo.read("out/gen/b/data") == "7\n8\n")
    }

    @Test func refusesStaleAndNeverRunStages() throws {
        let repo = try TestRepo("export-stale")
        defer { repo.remove() }
        let ws = try repo.workspace()
        #expect { try ws.export("gen/a", to: repo.root + "/out", profile: "default") } throws: { "\($0)".contains("never run") }
        try repo.run()
        try repo.writeSpec(TestRepo.standardSpec(offset: 1, modulus: 1000))
        let edited = try repo.workspace()
        #expect { try edited.export("gen/a", to: repo.root + "/out", profile: "default") } throws: {
            "\($0)".contains("gen/a is stale") && "\($0)".contains("--allow-stale")
        }
        #expect(try edited.export("gen/a", to: repo.root + "/out", profile: "default", allowStale: true).count == 1)
    }

    @Test func aCorruptObjectIsNotWritten() throws {
        let repo = try TestRepo("export-corrupt")
        defer { repo.remove() }
        try repo.run()
        let ws = try repo.workspace()
        let d = try #require(try repo.lock().stages["gen/a"]?.outputs["data"])
        try repo.corruptObject(d)
        let dir = repo.root + "/out"
        #expect { try ws.export("gen/a", to: dir, profile: "default", allowStale: true) } throws: { "\($0)".contains(d.hex) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/data"))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir)).isEmpty)   // no temporary left behind
    }
}
