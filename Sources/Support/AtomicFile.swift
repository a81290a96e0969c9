// Writing a file so that readers see either the old file or the whole new one, never a part:
// write to a temporary file beside it, fsync, rename, fsync the directory. Used for every
// output a stage writes outside the store (--out FILE) and for the store's own files.
import Foundation

public struct FileWriteError: Error, CustomStringConvertible {
    public let description: String
}

/// Atomically replaces `path` with `bytes`. On any failure (full disk included) the temporary
/// file is removed and the previous content of `path`, if any, is untouched.
public func writeFileAtomically(_ path: String, bytes: some Collection<UInt8>) throws {
    let array = Array(bytes)
    try writeFileAtomically(path) { write in try array.withUnsafeBytes { try write($0) } }
}

/// Atomically replaces `path` with what `produce` writes, chunk by chunk, so large files need
/// no buffer of their own size. Same guarantees as the `bytes:` form.
public func writeFileAtomically(_ path: String,
                                _ produce: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let tmp = dir + "/.tmp-\(url.lastPathComponent)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw FileWriteError(description: "cannot create \(tmp): \(String(cString: strerror(errno)))")
    }
    var ok = false
    var closed = false
    defer {
        if !closed { close(fd) }
        if !ok { unlink(tmp) }
    }
    try produce { chunk in try writeAll(fd, chunk, "cannot write \(path)", diskFull: "disk full: free space and rerun; nothing was replaced") }
    if fsync(fd) != 0 {
        throw FileWriteError(description: "cannot fsync \(path): \(String(cString: strerror(errno)))")
    }
    close(fd)
    closed = true
    guard rename(tmp, path) == 0 else {
        throw FileWriteError(description: "cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
    }
    ok = true
    let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}

/// Appends `bytes` to `path` (created if missing) and fsyncs it: for logs that only grow, where a
/// crash may leave a tail that a reader then ignores (distill's checkpoint counts its log lines).
public func appendToFile(_ path: String, bytes: some Collection<UInt8>) throws {
    let array = Array(bytes)
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FileWriteError(description: "cannot open \(path) to append: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try array.withUnsafeBytes { try writeAll(fd, $0, "cannot append to \(path)", diskFull: "disk full: free space and rerun") }
    guard fsync(fd) == 0 else { throw FileWriteError(description: "cannot fsync \(path): \(String(cString: strerror(errno)))") }
}

/// Writes all of `chunk` to `fd`, retrying short writes and EINTR; an error starts with `what`.
private func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer, _ what: String, diskFull: String) throws {
    var written = 0
    while written < chunk.count {
        let n = write(fd, chunk.baseAddress! + written, chunk.count - written)
        if n < 0 {
            if errno == EINTR { continue }
            let e = errno
            throw FileWriteError(description: "\(what): \(String(cString: strerror(e)))" + (e == ENOSPC ? " (\(diskFull))" : ""))
        }
        written += n
    }
}
