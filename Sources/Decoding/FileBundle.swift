// Several figure files as one pipeline output: an uncompressed tar (libarchive, pax restricted)
// whose entries have fixed owner, mode and time, so the same files give the same bytes. decode
// writes its heat maps and tables this way; report reads them and writes its PNGs the same way.
import CArchive
import Support
import Tasks

/// One named file of a bundle.
public struct BundleFile: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    public init(_ name: String, _ bytes: [UInt8]) { self.name = name; self.bytes = bytes }
}

/// The tar bytes of `files`, in the order given; names must be relative, without "..", unique.
public func tarBundle(_ files: [BundleFile]) throws -> [UInt8] {
    var seen = Set<String>()
    for f in files {
        guard !f.name.isEmpty, !f.name.hasPrefix("/"), !f.name.split(separator: "/").contains(".."), seen.insert(f.name).inserted else {
            throw DecodeError("bundle: entry name \"\(f.name)\" is empty, absolute, has '..' or repeats")
        }
    }
    guard let a = archive_write_new() else { throw DecodeError("libarchive: out of memory") }
    defer { archive_write_free(a) }
    func check(_ rc: Int32, _ what: String) throws {
        if rc != ARCHIVE_OK { throw DecodeError("bundle: \(what): \(String(cString: archive_error_string(a)))") }
    }
    try check(archive_write_set_format_pax_restricted(a), "tar format")
    try check(archive_write_set_bytes_in_last_block(a, 1), "block padding")
    let capacity = files.reduce(4096) { $0 + 1024 + ($1.bytes.count + 511) / 512 * 512 } + 20 * 512
    var buffer = [UInt8](repeating: 0, count: capacity)
    let used = UnsafeMutablePointer<Int>.allocate(capacity: 1)   // libarchive keeps this pointer until close
    used.initialize(to: 0)
    defer { used.deallocate() }
    try buffer.withUnsafeMutableBytes { raw in
        try check(archive_write_open_memory(a, raw.baseAddress, raw.count, used), "open")
        for f in files {
            let entry = archive_entry_new()
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, f.name)
            archive_entry_set_filetype(entry, 0o100000 as UInt32)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, 0, 0)
            archive_entry_set_size(entry, Int64(f.bytes.count))
            try check(archive_write_header(a, entry), "header \(f.name)")
            if !f.bytes.isEmpty {
                let n = f.bytes.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
                guard n == f.bytes.count else { throw DecodeError("bundle: cannot write \(f.name): \(String(cString: archive_error_string(a)))") }
            }
        }
        try check(archive_write_close(a), "close")
    }
    return Array(buffer[0..<used.pointee])
}

/// Writes `files` as one tar file, atomically.
public func writeBundle(_ files: [BundleFile], to path: String) throws {
    try writeFileAtomically(path, bytes: try tarBundle(files))
}

/// Every regular file of a bundle, in archive order.
public func readBundle(_ path: String) throws -> [BundleFile] {
    var out: [BundleFile] = []
    do {
        try forEachMember(of: path, where: { _ in true }) { name, read in out.append(BundleFile(name, try read())) }
    } catch {
        throw DecodeError("\(path): not a readable figure bundle (\(error)); rerun the stage that made it")
    }
    return out
}
