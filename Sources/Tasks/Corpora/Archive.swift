// Reading the vendored packages with libarchive: members of a wheel (zip) or sdist (tar.gz),
// and single compressed streams (.bz2, .gz) through libarchive's "raw" format. Truncated or
// corrupt archives give an error naming the package and how to fetch it again.
import CArchive

public struct ArchiveError: Error, CustomStringConvertible {
    public let description: String
}

/// Calls `visit(path, read)` for every regular member whose path satisfies `want`; `read()` returns its bytes.
public func forEachMember(of archivePath: String, where want: (String) -> Bool,
                          _ visit: (String, () throws -> [UInt8]) throws -> Void) throws {
    guard let a = archive_read_new() else { throw ArchiveError(description: "libarchive: out of memory") }
    defer { archive_read_free(a) }
    archive_read_support_filter_all(a)
    archive_read_support_format_all(a)
    guard archive_read_open_filename(a, archivePath, 1 << 16) == ARCHIVE_OK else {
        throw ArchiveError(description: "\(archivePath): cannot open as an archive: \(message(a))")
    }
    var entry: OpaquePointer?
    while true {
        let r = archive_read_next_header(a, &entry)
        if r == ARCHIVE_EOF { break }
        guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else {
            throw ArchiveError(description: "\(archivePath): corrupt or truncated archive: \(message(a)); fetch the package again")
        }
        guard let cPath = archive_entry_pathname(entry) else { continue }
        let path = String(cString: cPath)
        if archive_entry_filetype(entry) != 0o100000 /* AE_IFREG */ || !want(path) { continue }
        try visit(path) { try readData(a, what: "\(archivePath) member \(path)") }
    }
}

/// The bytes of one member; an error lists what the archive holds if it is absent.
public func readMember(_ archivePath: String, _ member: String) throws -> [UInt8] {
    var found: [UInt8]?
    try forEachMember(of: archivePath, where: { $0 == member }) { _, read in found = try read() }
    guard let found else { throw ArchiveError(description: "\(archivePath): no member \(member)") }
    return found
}

/// Decompresses one .bz2/.gz/.xz stream held in memory.
public func decompressStream(_ bytes: [UInt8], what: String) throws -> [UInt8] {
    try bytes.withUnsafeBytes { raw in   // the buffer must stay valid while libarchive reads it
        guard let a = archive_read_new() else { throw ArchiveError(description: "libarchive: out of memory") }
        defer { archive_read_free(a) }
        archive_read_support_filter_all(a)
        archive_read_support_format_raw(a)
        guard archive_read_open_memory(a, raw.baseAddress, raw.count) == ARCHIVE_OK else {
            throw ArchiveError(description: "\(what): cannot open compressed stream: \(message(a))")
        }
        var entry: OpaquePointer?
        guard archive_read_next_header(a, &entry) == ARCHIVE_OK else {
            throw ArchiveError(description: "\(what): not a compressed stream: \(message(a))")
        }
        return try readData(a, what: what)
    }
}

private func readData(_ a: OpaquePointer, what: String) throws -> [UInt8] {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
        if n == 0 { break }
        guard n > 0 else { throw ArchiveError(description: "\(what): corrupt or truncated data: \(message(a)); fetch the package again") }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

private func message(_ a: OpaquePointer) -> String {
    archive_error_string(a).map { String(cString: $0) } ?? "unknown libarchive error"
}
