// `pipeline restore FILE`: the inverse of `archive`, defensive. Every entry is checked (a plain
// relative path under pipeline.json, pipeline.lock, stages/ or objects/; a regular file; no links)
// and extracted into a private directory in the store; every hash is verified against
// graft-archive.json (objects against their names); only then are files moved into place and
// the manifests entered into the run cache. A damaged or truncated archive changes nothing.
import Artifacts
import CArchive
import Foundation
import JSONText
import Support

public struct RestoreSummary: Sendable, Equatable {
    public var files: [String] = []
    public var objects = 0
    /// Objects that were in the store but truncated or corrupt, replaced by the archive's.
    public var repaired = 0
    public var runs = 0
}

/// Restores `file` into the checkout at `root` (its store is `root/artifacts`). Files that exist
/// with other content are refused unless `overwrite`.
public func restoreArchive(_ file: String, root: String, overwrite: Bool = false) throws -> RestoreSummary {
    let root = URL(fileURLWithPath: root).standardizedFileURL.path
    // A missing or unreadable file is said as such, before anything (the store folder included) is made.
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
        throw ArchiveError(description: "\(file) does not exist; give the path of an archive made by `pipeline archive FILE`; nothing was restored")
    }
    guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: file) else {
        throw ArchiveError(description: "\(file) is \(isDirectory.boolValue ? "a folder" : "not readable"), not an archive made by `pipeline archive FILE`; nothing was restored")
    }
    let store = try Store(root: root + "/artifacts")
    let lock = try StoreLock(store: store, wait: true)
    defer { withExtendedLifetime(lock) {} }
    let staging = try store.makeTempDirectory("restore")
    defer { removeTree(staging) }
    let entries = try extractChecked(file, into: staging)

    // The index of hashes must be there, and must match what is.
    guard entries.contains("graft-archive.json"), let data = FileManager.default.contents(atPath: staging + "/graft-archive.json"),
          let index = try? parseJSON(bytes: Array(data)), index["format"]?.stringValue == "graft-archive", index["version"]?.intValue == 1,
          let listed = index["files"]?.objectValue, let listedObjects = index["objects"]?.arrayValue else {
        throw ArchiveError(description: "\(file): no valid graft-archive.json (not an archive made by `pipeline archive`)")
    }
    var problems: [String] = []
    for (path, h) in listed {
        guard entries.contains(path) else { problems.append("\(path) is listed but missing"); continue }
        let actual = try hashFile(staging + "/" + path)
        if actual.hex != h.stringValue { problems.append("\(path): SHA-256 \(actual.hex) does not match the listed \(h.stringValue ?? "?")") }
    }
    var objects: [Digest] = []
    for o in listedObjects {
        guard let hex = o.stringValue, let d = Digest(hex: hex) else { problems.append("graft-archive.json lists a malformed object name"); continue }
        let rel = Store.objectRelativePath(d)
        guard entries.contains(rel) else { problems.append("object \(d.hex) is listed but missing"); continue }
        objects.append(d)
    }
    let expected = Set(listed.keys).union(objects.map { Store.objectRelativePath($0) }).union(["graft-archive.json"])
    for extra in entries.subtracting(expected).sorted() { problems.append("\(extra) is not listed in graft-archive.json") }
    // Objects: decompress and rehash each one (a staging store shares the layout).
    var staged = try Store(root: staging)
    staged.compression = store.compression
    for d in objects {
        do { try staged.verify(d) } catch { problems.append("object \(d.hex) fails verification: \(String(describing: error).split(separator: "\n").first ?? "")") }
    }
    for path in listed.keys.sorted() where FileManager.default.fileExists(atPath: root + "/" + path) && !overwrite {
        if (try? hashFile(root + "/" + path))?.hex != listed[path]?.stringValue {
            problems.append("\(path) exists in \(root) with other content (pass --overwrite to replace it)")
        }
    }
    if !problems.isEmpty {
        throw ArchiveError(description: "refusing to restore \(file); nothing was changed:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
    }

    // Everything checks out: move into place.
    var summary = RestoreSummary()
    for d in objects {
        // An object already in the store is kept when it is intact (same bytes as the archive's,
        // or a valid object of another compression); a truncated or corrupt one is replaced.
        if store.contains(d) {
            if filesEqual(store.objectPath(d), staged.objectPath(d)) || (try? store.verify(d)) != nil { continue }
            summary.repaired += 1
        }
        let dir = (store.objectPath(d) as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        guard rename(staged.objectPath(d), store.objectPath(d)) == 0 else {
            throw ArchiveError(description: "cannot move object \(d.hex) into the store: \(String(cString: strerror(errno)))")
        }
        summary.objects += 1
    }
    for path in listed.keys.sorted() {
        let target = root + "/" + path
        if (try? hashFile(target))?.hex == listed[path]?.stringValue { continue }
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try writeFileAtomically(target, bytes: Array(FileManager.default.contents(atPath: staging + "/" + path) ?? Data()))
        summary.files.append(path)
    }
    let runIndex = RunIndex(store: store)
    for d in objects {
        guard let v = try? store.getJSON(d), v["format"]?.stringValue == Manifest.format, let m = try? Manifest(json: v) else { continue }
        try runIndex.index(key: m.key, manifest: d)
        summary.runs += 1
    }
    return summary
}

/// Extracts every entry of `file` under `dir` after checking its path and type; returns the paths.
func extractChecked(_ file: String, into dir: String) throws -> Set<String> {
    guard let a = archive_read_new() else { throw ArchiveError(description: "libarchive: out of memory") }
    defer { archive_read_free(a) }
    archive_read_support_filter_zstd(a)
    archive_read_support_format_tar(a)
    func fail(_ what: String) -> ArchiveError {
        ArchiveError(description: "\(file) is damaged or truncated (\(what): \(archive_error_string(a).map { String(cString: $0) } ?? "unknown error")); nothing was restored")
    }
    guard archive_read_open_filename(a, file, 1 << 16) == ARCHIVE_OK else { throw fail("open") }
    var seen = Set<String>()
    var entry: OpaquePointer? = nil
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let rc = archive_read_next_header(a, &entry)
        if rc == ARCHIVE_EOF { break }
        guard rc == ARCHIVE_OK || rc == ARCHIVE_WARN, let entry else { throw fail("reading an entry header") }
        let raw = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let path = raw.hasPrefix("./") ? String(raw.dropFirst(2)) : raw
        if let why = unsafeArchivePath(path) { throw ArchiveError(description: "refusing \(file): entry \"\(raw)\" \(why); nothing was restored") }
        if archive_entry_hardlink(entry) != nil || archive_entry_symlink(entry) != nil {
            throw ArchiveError(description: "refusing \(file): entry \"\(raw)\" is a link; graft archives hold only regular files; nothing was restored")
        }
        let type = archive_entry_filetype(entry)
        if type == 0o040000 as UInt32 { continue }
        guard type == 0o100000 as UInt32 else {
            throw ArchiveError(description: "refusing \(file): entry \"\(raw)\" is not a regular file; nothing was restored")
        }
        guard seen.insert(path).inserted else { throw ArchiveError(description: "refusing \(file): entry \"\(raw)\" appears twice") }
        // Sizes are bounded before and while writing (a few KB of zstd can expand to gigabytes):
        // the index, pipeline.json/lock and stages/ files by `smallMemberLimit`, objects by the
        // free space of the store's disk less a reserve.
        let isObject = path.hasPrefix("objects/")
        let limit = isObject ? max(0, freeBytes(dir) - restoreDiskReserve) : smallMemberLimit
        func tooLarge(_ size: Int64) -> ArchiveError {
            ArchiveError(description: "refusing \(file): entry \"\(raw)\" holds \(size) bytes\(archive_entry_size_is_set(entry) != 0 ? "" : " or more"), more than \(isObject ? "the \(limit) bytes free on the store's disk (less a 1 GiB reserve)" : "the \(smallMemberLimit) bytes allowed for a member that is not an object"); nothing was restored")
        }
        if archive_entry_size_is_set(entry) != 0, archive_entry_size(entry) > limit { throw tooLarge(archive_entry_size(entry)) }
        let target = dir + "/" + path
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw ArchiveError(description: "cannot create \(target): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written: Int64 = 0
        while true {
            let n = archive_read_data(a, buffer, 1 << 20)
            if n == 0 { break }
            if n < 0 { throw fail("reading \(path)") }
            written += Int64(n)
            if written > limit { throw tooLarge(written) }
            var off = 0
            while off < n {
                let w = write(fd, buffer + off, n - off)
                if w < 0 { if errno == EINTR { continue }; throw ArchiveError(description: "cannot write \(target): \(String(cString: strerror(errno)))") }
                off += w
            }
        }
    }
    return seen
}

/// Largest archive member that is not an object (graft-archive.json, pipeline.json, pipeline.lock,
/// stages/ files): these are text a person wrote or a lock file, never near this.
let smallMemberLimit: Int64 = 64 << 20
/// Disk space a restore leaves free.
let restoreDiskReserve: Int64 = 1 << 30

/// Bytes available to this user on the file system holding `path` (0 if unknown).
func freeBytes(_ path: String) -> Int64 {
    var st = statvfs()
    guard statvfs(path, &st) == 0 else { return 0 }
    return Int64(st.f_bavail) * Int64(st.f_frsize)
}

/// Why an archive entry's path is unacceptable, or nil.
func unsafeArchivePath(_ path: String) -> String? {
    if path.isEmpty { return "has an empty path" }
    if path.hasPrefix("/") { return "has an absolute path" }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    if parts.contains("..") { return "leaves the destination (..)" }
    if parts.contains("") || parts.contains(".") { return "has an unusual path" }
    let top = String(parts[0])
    if parts.count == 1 && ["graft-archive.json", "pipeline.json", "pipeline.lock"].contains(top) { return nil }
    if top == "stages" && parts.count >= 2 { return nil }
    if top == "objects" && parts.count == 3 && Store.objectDigest(prefix: parts[1], fileName: parts[2]) != nil { return nil }
    return "is not pipeline.json, pipeline.lock, a file under stages/ or an object"
}

/// Whether two files have the same bytes (sizes first, then 1 MiB pieces).
func filesEqual(_ a: String, _ b: String) -> Bool {
    guard let fa = FileHandle(forReadingAtPath: a), let fb = FileHandle(forReadingAtPath: b) else { return false }
    defer { try? fa.close(); try? fb.close() }
    guard (try? fa.seekToEnd()) == (try? fb.seekToEnd()) else { return false }
    try? fa.seek(toOffset: 0); try? fb.seek(toOffset: 0)
    while true {
        let x = (try? fa.read(upToCount: 1 << 20)) ?? nil, y = (try? fb.read(upToCount: 1 << 20)) ?? nil
        if x != y { return false }
        if x == nil || x!.isEmpty { return true }
    }
}
