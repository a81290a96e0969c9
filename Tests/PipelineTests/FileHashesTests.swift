// The stat cache: a remembered hash is reused while (size, mtime, inode, ctime) hold; any content
// change is seen even when size and mtime are put back; recently changed files are not cached;
// a tool's code hash covers its files by relative path.
import Foundation
import Testing
@testable import Pipeline

@Suite struct FileHashesTests {
    @Test func cacheSeesEveryChange() throws {
        let repo = try TestRepo("hashes")
        defer { repo.remove() }
        let file = repo.root + "/stages/note.txt"
        let old = Date().addingTimeInterval(-60)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file)
        usleep(2_100_000)                                    // past the 2 s racy window (ctime is now)
        let cachePath = repo.root + "/cache.tsv"
        let cache = FileHashCache(path: cachePath)
        let first = try cache.digest(of: file)
        #expect(first == Digest.of("a note\n"))
        cache.save()
        #expect(try String(contentsOfFile: cachePath, encoding: .utf8).contains(first.hex))
        // Same size, same mtime, other bytes: ctime gives it away.
        try Data("b note\n".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file)
        #expect(try FileHashCache(path: cachePath).digest(of: file) == Digest.of("b note\n"))
        // A file changed just now is hashed but not remembered.
        let fresh = FileHashCache(path: repo.root + "/fresh.tsv")
        try repo.write("stages/new.txt", "new\n")
        _ = try fresh.digest(of: repo.root + "/stages/new.txt")
        fresh.save()
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/fresh.tsv"))
    }

    @Test func toolCodeHashFollowsContentAndRelativePaths() throws {
        let repo = try TestRepo("code")
        defer { repo.remove() }
        try repo.write("src/a/x.swift", "let x = 1\n")
        try repo.write("src/a/.hidden", "ignored\n")
        try repo.write("src/b.swift", "let b = 2\n")
        let tool = ToolSpec(name: "t", exec: "tools/gen.sh", code: ["src"])
        #expect(try expandCodeFiles(["src"], root: repo.root) == ["src/a/x.swift", "src/b.swift"])
        let h1 = try toolCodeHash(tool, root: repo.root, cache: FileHashCache(path: "/nonexistent/cache"))
        try repo.write("src/a/.hidden", "changed\n")
        #expect(try toolCodeHash(tool, root: repo.root, cache: FileHashCache(path: "/nonexistent/cache")) == h1)
        try repo.write("src/b.swift", "let b = 3\n")
        #expect(try toolCodeHash(tool, root: repo.root, cache: FileHashCache(path: "/nonexistent/cache")) != h1)
    }
}
