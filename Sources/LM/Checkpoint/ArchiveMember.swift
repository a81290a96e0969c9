// Taking one file out of an archive (a wheel is a zip) with libarchive, streamed to disk: the
// member is written to a temporary file beside the destination, fsynced and renamed, so a crash
// never leaves a partial file under the final name. libarchive checks the zip CRC-32 as it
// inflates; the caller also gets the size and an FNV-1a-64 fingerprint to compare with pins.
import CArchive
import Foundation

public struct ArchiveMemberInfo: Sendable, Equatable {
    public let byteCount: Int
    public let fnv1a64: UInt64
}

/// FNV-1a 64-bit over bytes, continuing from `hash`.
@inline(__always) func fnv1a64(_ bytes: UnsafeRawBufferPointer, hash: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var h = hash
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return h
}

/// Streams `member` of `archive` to `destination` (atomically). Errors name the archive and member.
public func extractArchiveMember(archive: String, member: String, to destination: String) throws -> ArchiveMemberInfo {
    guard let a = archive_read_new() else { throw LMFileError("libarchive: cannot allocate a reader") }
    defer { archive_read_free(a) }
    archive_read_support_format_all(a)
    archive_read_support_filter_all(a)
    guard archive_read_open_filename(a, archive, 1 << 16) == ARCHIVE_OK else {
        throw LMFileError("cannot open archive \(archive): \(String(cString: archive_error_string(a)))")
    }
    var entry: OpaquePointer?
    while true {
        let r = archive_read_next_header(a, &entry)
        if r == ARCHIVE_EOF { break }
        guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else {
            throw LMFileError("cannot read archive \(archive): \(String(cString: archive_error_string(a)))")
        }
        guard let cName = archive_entry_pathname(entry), String(cString: cName) == member else {
            archive_read_data_skip(a)
            continue
        }
        return try streamEntry(a, to: destination, what: "\(archive) (member \(member))")
    }
    throw LMFileError("archive \(archive) has no member \(member)")
}

private func streamEntry(_ a: OpaquePointer, to destination: String, what: String) throws -> ArchiveMemberInfo {
    let url = URL(fileURLWithPath: destination)
    let dir = url.deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let tmp = dir + "/.tmp-\(url.lastPathComponent)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw LMFileError("cannot create \(tmp): \(String(cString: strerror(errno)))") }
    var done = false
    defer {
        if !done { close(fd); unlink(tmp) }
    }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var total = 0
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = archive_read_data(a, buffer.baseAddress, buffer.count)
        if n == 0 { break }
        guard n > 0 else {
            throw LMFileError("cannot extract \(what): \(String(cString: archive_error_string(a))) (damaged download? delete it and fetch it again)")
        }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        hash = fnv1a64(chunk, hash: hash)
        var written = 0
        while written < n {
            let w = write(fd, chunk.baseAddress! + written, n - written)
            if w < 0 {
                if errno == EINTR { continue }
                throw LMFileError("cannot write \(tmp): \(String(cString: strerror(errno)))")
            }
            written += w
        }
        total += n
    }
    guard fsync(fd) == 0 else { throw LMFileError("cannot fsync \(tmp): \(String(cString: strerror(errno)))") }
    close(fd)
    done = true
    guard rename(tmp, destination) == 0 else {
        let e = errno
        unlink(tmp)
        throw LMFileError("cannot rename \(tmp) to \(destination): \(String(cString: strerror(e)))")
    }
    return ArchiveMemberInfo(byteCount: total, fnv1a64: hash)
}
