// archive → restore into an empty checkout reproduces the same hashes and a fresh status;
// malicious archives (absolute paths, `..`, links, unlisted or tampered entries) and truncated
// archives are refused with nothing restored.
import CArchive
import Foundation
import Testing
@testable import Pipeline

@Suite struct ArchiveTests {
    /// Writes a tar.zst with the given entries: (path, bytes) for files, (path, nil) plus `symlink` for links.
    func craft(_ file: String, _ entries: [(String, [UInt8]?, String?)]) {
        let a = archive_write_new()
        archive_write_set_format_pax_restricted(a)
        archive_write_add_filter_zstd(a)
        archive_write_open_filename(a, file)
        for (path, bytes, link) in entries {
            let e = archive_entry_new()
            archive_entry_set_pathname(e, path)
            archive_entry_set_perm(e, 0o644)
            if let link {
                archive_entry_set_filetype(e, 0o120000)
                archive_entry_set_symlink(e, link)
                archive_write_header(a, e)
            } else {
                let b = bytes ?? []
                archive_entry_set_filetype(e, 0o100000)
                archive_entry_set_size(e, Int64(b.count))
                archive_write_header(a, e)
                _ = b.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
            }
            archive_entry_free(e)
        }
        archive_write_close(a)
        archive_write_free(a)
    }

    @Test func archiveRestoreReproducesHashes() throws {
        let repo = try TestRepo("arch")
        defer { repo.remove() }
        try repo.run()
        let file = repo.root + "/all.tar.zst"
        let r = try repo.workspace().archive(to: file)
        // 3 manifests; outputs: mod/a's equals gen/a's (x mod 1000 = x here) + report; logs: gen's + one empty log.
        #expect(r.objects == 7)
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("graft-restored-\(UUID())").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: target) }
        let s = try restoreArchive(file, root: target)
        #expect(s.objects == 7 && s.runs == 3)
        #expect(Set(s.files) == ["pipeline.json", "pipeline.lock", "stages/note.txt"])
        #expect(try LockFile.load(root: target) == repo.lock())
        #expect(Set(try FileManager.default.subpathsOfDirectory(atPath: target + "/artifacts/objects").filter { $0.hasSuffix(".zst") })
                == repo.objectsOnDisk())
        try FileManager.default.copyItem(atPath: repo.root + "/tools", toPath: target + "/tools")
        #expect(try Workspace(root: target).status(profile: "default").allSatisfy { $0.state == .fresh })
        // Restoring again changes nothing; a conflicting file is refused unless --overwrite.
        #expect(try restoreArchive(file, root: target) == RestoreSummary(files: [], objects: 0, runs: 3))
        try Data("changed\n".utf8).write(to: URL(fileURLWithPath: target + "/stages/note.txt"))
        #expect { try restoreArchive(file, root: target) } throws: { "\($0)".contains("stages/note.txt exists") }
        #expect(try restoreArchive(file, root: target, overwrite: true).files == ["stages/note.txt"])
        // A truncated object in the store is replaced by the archive's copy (issue 16, defect 6).
        let d = try #require(try repo.lock().stages["mod/a"]?.outputs["mod"])
        let restored = try Workspace(root: target)
        let path = restored.store.objectPath(d)
        chmod(path, 0o644)
        try Data(Array(try Data(contentsOf: URL(fileURLWithPath: path))).prefix(5)).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try restored.store.verify(d) }
        let again = try restoreArchive(file, root: target)
        #expect(again.objects == 1 && again.repaired == 1)
        try restored.store.verify(d)
    }

    @Test func maliciousArchivesAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graft-evil-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir + "/target", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = Array(#"{"files":{},"format":"graft-archive","objects":[],"version":1}"#.utf8)
        let payload = Array("payload".utf8)
        let d = Digest.of(payload)
        let cases: [(String, [(String, [UInt8]?, String?)], String)] = [
            ("dotdot", [("graft-archive.json", index, nil), ("stages/../../evil", [1], nil)], "leaves the destination"),
            ("absolute", [("graft-archive.json", index, nil), ("/tmp/evil", [1], nil)], "absolute path"),
            ("symlink", [("graft-archive.json", index, nil), ("stages/link", nil, "/etc/passwd")], "is a link"),
            ("elsewhere", [("graft-archive.json", index, nil), ("evil.sh", [1], nil)], "is not pipeline.json"),
            ("unlisted", [("graft-archive.json", index, nil), ("stages/extra.txt", [1], nil)], "not listed in graft-archive.json"),
            ("tampered", [("graft-archive.json", Array(#"{"files":{},"format":"graft-archive","objects":["\#(d.hex)"],"version":1}"#.utf8), nil),
                          (Store.objectRelativePath(d), Array("not zstd".utf8), nil)], "fails verification"),
            // zstd bombs as members that are not objects (issue 16, defect 4): 65 MiB of zeros is a
            // few KB in the archive; refused from the tar header's size, before anything is written.
            ("bomb-index", [("graft-archive.json", [UInt8](repeating: 0x20, count: 65 << 20), nil)], "allowed for a member that is not an object"),
            ("bomb-stage", [("graft-archive.json", index, nil), ("stages/big.txt", [UInt8](repeating: 0, count: 65 << 20), nil)],
             "allowed for a member that is not an object"),
        ]
        for (name, entries, message) in cases {
            let file = "\(dir)/\(name).tar.zst"
            craft(file, entries)
            #expect { try restoreArchive(file, root: dir + "/target") } throws: { "\($0)".contains(message) }
            let left = try FileManager.default.subpathsOfDirectory(atPath: dir + "/target").filter {
                !$0.hasPrefix("artifacts") || $0.hasPrefix("artifacts/objects/")
            }
            #expect(left.isEmpty, "\(name): \(left)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/target/artifacts/tmp").isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/evil"))
    }

    @Test func truncatedArchiveFailsCleanly() throws {
        let repo = try TestRepo("trunc")
        defer { repo.remove() }
        // A large incompressible output so that the cut falls inside an object.
        try repo.write("tools/mod.sh", "#!/bin/sh\nhead -c 300000 /dev/urandom > \"$2\"\n", executable: true)
        try repo.run()
        let file = repo.root + "/all.tar.zst"
        try repo.workspace().archive(to: file)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        for cut in [bytes.count / 3, bytes.count / 2, bytes.count - 100] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: file + ".cut"))
            let target = repo.root + "/restore-\(cut)"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            #expect { try restoreArchive(file + ".cut", root: target) } throws: {
                "\($0)".contains("damaged or truncated") && "\($0)".contains("nothing was restored")
            }
            #expect(!FileManager.default.fileExists(atPath: target + "/pipeline.json"))
            #expect(((try? FileManager.default.subpathsOfDirectory(atPath: target + "/artifacts/objects")) ?? []).filter { $0.hasSuffix(".zst") }.isEmpty)
        }
    }

    /// A path that is not there, or a folder, is named as such (not "damaged or truncated"), and the
    /// target is left as it was: not even an artifacts/ folder is made.
    @Test func missingArchiveIsNamedAndNothingIsMade() throws {
        let repo = try TestRepo("missing-archive")
        defer { repo.remove() }
        let target = repo.root + "/restore-target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        #expect { try restoreArchive(repo.root + "/no-such.tar.zst", root: target) } throws: {
            "\($0)".contains("no-such.tar.zst does not exist") && "\($0)".contains("nothing was restored")
        }
        #expect { try restoreArchive(target, root: target) } throws: { "\($0)".contains("is a folder") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }
}
