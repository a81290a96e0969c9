// Content hashes of repository files, remembered by (path, size, mtime, inode, ctime) so that
// `pipeline status` rehashes only files that changed. A tool's code hash is the hash of the
// canonical map relative path → content hash of its code files: a rebuild, a touch or a moved
// checkout keep it, an edit changes it.
import Artifacts
import Foundation
import JSONText
import Support

public final class FileHashCache: @unchecked Sendable {
    struct Entry { var size: Int64; var mtime: Int64; var inode: UInt64; var ctime: Int64; var digest: Digest }

    let path: String
    let lock = NSLock()
    var entries: [String: Entry] = [:]
    var dirty = false

    /// Loads the cache file (a missing or unreadable file is an empty cache: it only saves work).
    public init(path: String) {
        self.path = path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", maxSplits: 5, omittingEmptySubsequences: false)
            guard f.count == 6, let d = Digest(hex: String(f[0])), let size = Int64(f[1]), let mtime = Int64(f[2]),
                  let inode = UInt64(f[3]), let ctime = Int64(f[4]) else { continue }
            entries[String(f[5])] = Entry(size: size, mtime: mtime, inode: inode, ctime: ctime, digest: d)
        }
    }

    /// The SHA-256 of the file at the absolute `path`.
    public func digest(of file: String) throws -> Digest {
        var st = stat()
        guard stat(file, &st) == 0 else { throw StoreError.io("cannot read \(file): \(String(cString: strerror(errno)))") }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let ctime = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        lock.lock()
        if let e = entries[file], e.size == Int64(st.st_size), e.mtime == mtime, e.inode == UInt64(st.st_ino), e.ctime == ctime {
            lock.unlock()
            return e.digest
        }
        lock.unlock()
        let d = try hashFile(file)
        // A file changed within the last two seconds could change again without a visible
        // timestamp change ("racy" entries): hash it, but do not remember it.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nowNs = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        if nowNs - max(mtime, ctime) > 2_000_000_000 {
            lock.lock()
            entries[file] = Entry(size: Int64(st.st_size), mtime: mtime, inode: UInt64(st.st_ino), ctime: ctime, digest: d)
            dirty = true
            lock.unlock()
        }
        return d
    }

    /// Writes the cache back if it learned anything.
    public func save() {
        lock.lock(); defer { lock.unlock() }
        guard dirty else { return }
        var text = ""
        for (p, e) in entries.sorted(by: { $0.key < $1.key }) where FileManager.default.fileExists(atPath: p) {
            text += "\(e.digest.hex)\t\(e.size)\t\(e.mtime)\t\(e.inode)\t\(e.ctime)\t\(p)\n"
        }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? writeFileAtomically(path, bytes: Array(text.utf8))
        dirty = false
    }
}

/// The files a tool's `code` list names, relative to the root, sorted: directories are walked
/// (hidden entries and `.build` skipped).
func expandCodeFiles(_ code: [String], root: String) throws -> [String] {
    var files = Set<String>()
    let fm = FileManager.default
    for entry in code {
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root + "/" + entry, isDirectory: &isDir) else {
            throw StoreError.missing("tool code \"\(entry)\" does not exist under \(root)")
        }
        if !isDir.boolValue { files.insert(entry); continue }
        guard let walker = fm.enumerator(atPath: root + "/" + entry) else { continue }
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") || name == ".build" { walker.skipDescendants(); continue }
            var sub: ObjCBool = false
            if fm.fileExists(atPath: root + "/" + entry + "/" + rel, isDirectory: &sub), !sub.boolValue {
                files.insert(entry + "/" + rel)
            }
        }
    }
    return files.sorted()
}

/// The identity of a tool's code: SHA-256 of canonical {relative path: content hash}.
func toolCodeHash(_ tool: ToolSpec, root: String, cache: FileHashCache) throws -> Digest {
    var map: [String: JSONValue] = [:]
    for f in try expandCodeFiles(tool.code, root: root) { map[f] = .string(try cache.digest(of: root + "/" + f).hex) }
    return try Digest.of(canonical: .object(map))
}
