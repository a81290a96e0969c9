// verify finds a flipped byte and names the object and its stage (and so do readers); the next
// run rebuilds the object; gc removes only what nothing refers to.
import Artifacts
import Foundation
import Testing
@testable import Pipeline

@Suite struct MaintenanceTests {
    @Test func flippedByteIsFoundNamedAndRebuilt() throws {
        let repo = try TestRepo("verify")
        defer { repo.remove() }
        try repo.writeSpec(TestRepo.standardSpec(offset: 0, modulus: 3))     // mod/a's output differs from gen/a's
        try repo.run()
        let ws = try repo.workspace()
        let d = try #require(try repo.lock().stages["mod/a"]?.outputs["mod"])
        try repo.corruptObject(d)
        // A reader (the report stage's input) fails, naming the object and the stage.
        #expect { try ws.store.get(d) } throws: { "\($0)".contains(d.hex) && "\($0)".contains("made by stage mod/a (output mod") }
        let (code, out) = try runPipeline(["verify"], in: repo.root)
        #expect(code == 1)
        #expect(out.contains("CORRUPT object \(d.hex)") && out.contains("pipeline run mod/a"), "\(out)")
        #expect(out.contains("MISSING mod/a output mod \(d.hex)"))
        // The object was moved aside: status says so and the next run rebuilds it.
        let st = try ws.status(profile: "default")
        #expect(st[1].state == .stale && st[1].reasons[0].hasPrefix("outputs missing from the store: mod"))
        _ = repo.executed()
        try repo.run()
        #expect(repo.executed() == ["mod/a"])
        #expect(try ws.store.get(d).count > 0)
        #expect(try runPipeline(["verify"], in: repo.root).0 == 0)
    }

    /// A truncated object that nobody moved aside is replaced when `run --force` stores the stage's
    /// output again (issue 16, defect 6: the early "already stored" return kept the broken file).
    @Test func forcedRunRepairsATruncatedObject() throws {
        let repo = try TestRepo("truncated")
        defer { repo.remove() }
        try repo.writeSpec(TestRepo.standardSpec(offset: 0, modulus: 3))
        try repo.run()
        let ws = try repo.workspace()
        let d = try #require(try repo.lock().stages["mod/a"]?.outputs["mod"])
        let path = ws.store.objectPath(d)
        chmod(path, 0o644)
        try Data(Array(try Data(contentsOf: URL(fileURLWithPath: path))).prefix(5)).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try ws.store.get(d) }
        let (code, out) = try runPipeline(["run", "--force", "mod/a"], in: repo.root)
        #expect(code == 0, "\(out)")
        try ws.store.verify(d)
        #expect(try ws.store.get(d).count > 0)
    }

    @Test func gcKeepsWhatIsReferenced() throws {
        let repo = try TestRepo("gc")
        defer { repo.remove() }
        try repo.run()
        try repo.writeSpec(TestRepo.standardSpec(offset: 1, modulus: 1000))
        try repo.run()
        let ws = try repo.workspace()
        let stray = try ws.store.put(Array("nobody refers to me".utf8))
        let before = ws.store.allObjects().count
        let kept = try ws.gc()
        #expect(kept.removed == 1 && !ws.store.contains(stray))
        // Dropping the run cache removes the first run's outputs, manifests and logs.
        let dropped = try ws.gc(keepRunCache: false)
        #expect(dropped.runsForgotten == 3 && dropped.removed > 0)
        #expect(ws.store.allObjects().count == before - 1 - dropped.removed)
        #expect(try repo.workspace().status(profile: "default").allSatisfy { $0.state == .fresh })
    }

    /// What a killed runner leaves in tmp/ is removed by gc and by verify, which say how much
    /// (issue 16, defect 10); a dry-run gc leaves it.
    @Test func gcAndVerifyClearTheTemporariesOfADeadProcess() throws {
        let repo = try TestRepo("gc-tmp")
        defer { repo.remove() }
        try repo.run()
        let ws = try repo.workspace()
        func litter() throws {
            try Data(repeating: 7, count: 3000).write(to: URL(fileURLWithPath: ws.store.tmpDir + "/object-1-2.zst"))
            try FileManager.default.createDirectory(atPath: ws.store.tmpDir + "/stage-9-9/in", withIntermediateDirectories: true)
            try Data(repeating: 1, count: 500).write(to: URL(fileURLWithPath: ws.store.tmpDir + "/stage-9-9/in/x"))
        }
        try litter()
        #expect(try ws.gc(dryRun: true).temporaryEntries == 0)
        let g = try ws.gc()
        #expect(g.temporaryEntries == 2 && g.temporaryBytes == 3500)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.store.tmpDir).isEmpty)
        try litter()
        let v = try ws.verify()
        #expect(v.ok && v.temporaryEntries == 2 && v.temporaryBytes == 3500)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.store.tmpDir).isEmpty)
        #expect(describeFreed(entries: 2, bytes: 542_100_000) == "2 temporary entries (542.1 MB)")
    }
}
