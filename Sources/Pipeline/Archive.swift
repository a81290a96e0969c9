// `pipeline archive` / `pipeline restore`: a tar + zstd file (libarchive) carrying pipeline.json,
// pipeline.lock, stages/, every object the selected lock entries refer to (outputs, manifests,
// logs) and graft-archive.json listing the SHA-256 of every file. Restore extracts into a private
// directory, refuses absolute paths, `..`, links and unknown entries, verifies every hash, and
// only then moves anything into the checkout and the store.
import Artifacts
import CArchive
import Foundation
import JSONText
import Support

public struct ArchiveError: Error, CustomStringConvertible {
    public let description: String
}

extension Workspace {
    /// Writes an archive of the lock entries of `targets` (and their upstream; default all) to `file`.
    public func archive(to file: String, targets: [String] = []) throws -> (files: Int, objects: Int) {
        let lock = try lock()
        var objects = Set<Digest>()
        for name in try spec.closure(of: targets) {
            guard let e = lock.stages[name] else { continue }
            objects.formUnion(e.outputs.values)
            objects.insert(e.manifest)
            if let m = try? Manifest(json: store.getJSON(e.manifest)), let log = m.log { objects.insert(log) }
        }
        let missing = objects.filter { !store.contains($0) }.sorted()
        if !missing.isEmpty {
            throw ArchiveError(description: "cannot archive: \(missing.count) object(s) are not in the local store (first: \(missing[0].hex)); run `pipeline run` first")
        }
        var files = ["pipeline.json", "pipeline.lock"].filter { FileManager.default.fileExists(atPath: root + "/" + $0) }
        files += try expandCodeFiles(FileManager.default.fileExists(atPath: root + "/stages") ? ["stages"] : [], root: root)
        var listing: [String: JSONValue] = [:]
        for f in files { listing[f] = .string(try hashes.digest(of: root + "/" + f).hex) }
        let index = try CanonicalJSON.pretty(.object([
            "format": "graft-archive", "version": 1, "files": .object(listing),
            "objects": .array(objects.sorted().map { .string($0.hex) }),
        ]))

        let tmp = file + ".tmp-\(getpid())"
        defer { unlink(tmp) }
        guard let a = archive_write_new() else { throw ArchiveError(description: "libarchive: out of memory") }
        defer { archive_write_free(a) }
        func check(_ rc: Int32, _ what: String) throws {
            if rc != ARCHIVE_OK { throw ArchiveError(description: "cannot write \(file): \(what): \(String(cString: archive_error_string(a)))") }
        }
        try check(archive_write_set_format_pax_restricted(a), "tar format")
        try check(archive_write_add_filter_zstd(a), "zstd filter")
        try check(archive_write_open_filename(a, tmp), "open")
        try addEntry(a, name: "graft-archive.json", source: .bytes(index), check: check)
        for f in files { try addEntry(a, name: f, source: .file(root + "/" + f), check: check) }
        for d in objects.sorted() {
            try addEntry(a, name: Store.objectRelativePath(d), source: .file(store.objectPath(d)), check: check)
        }
        try check(archive_write_close(a), "close")
        guard rename(tmp, file) == 0 else { throw ArchiveError(description: "cannot rename \(tmp) to \(file): \(String(cString: strerror(errno)))") }
        return (files.count, objects.count)
    }
}

enum EntrySource { case bytes([UInt8]), file(String) }

/// One regular-file entry with fixed owner, mode and time, so the same content gives the same archive.
func addEntry(_ a: OpaquePointer, name: String, source: EntrySource, check: (Int32, String) throws -> Void) throws {
    let entry = archive_entry_new()
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname(entry, name)
    archive_entry_set_filetype(entry, 0o100000 as UInt32)
    archive_entry_set_perm(entry, 0o644)
    archive_entry_set_mtime(entry, 0, 0)
    switch source {
    case .bytes(let b):
        archive_entry_set_size(entry, Int64(b.count))
        try check(archive_write_header(a, entry), "header \(name)")
        if !b.isEmpty { _ = b.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) } }
    case .file(let path):
        var st = stat()
        guard stat(path, &st) == 0 else { throw ArchiveError(description: "cannot read \(path)") }
        archive_entry_set_size(entry, Int64(st.st_size))
        try check(archive_write_header(a, entry), "header \(name)")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError(description: "cannot open \(path)") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, 1 << 20)
            if n < 0 { if errno == EINTR { continue }; throw ArchiveError(description: "cannot read \(path)") }
            if n == 0 { break }
            if archive_write_data(a, buffer, n) != n { throw ArchiveError(description: "cannot write \(name) into the archive: \(String(cString: archive_error_string(a)))") }
        }
    }
}
