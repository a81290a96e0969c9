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
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let tmp = dir + "/.tmp-\(url.lastPathComponent)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw FileWriteError(description: "cannot create \(tmp): \(String(cString: strerror(errno)))")
    }
    var ok = false
    defer {
        if !ok { unlink(tmp) }
    }
    let array = Array(bytes)
    var written = 0
    let writeError: Int32? = array.withUnsafeBytes { raw -> Int32? in
        while written < raw.count {
            let n = write(fd, raw.baseAddress! + written, raw.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += n
        }
        return nil
    }
    if let e = writeError {
        close(fd)
        throw FileWriteError(description: "cannot write \(path): \(String(cString: strerror(e)))\(e == ENOSPC ? " (disk full: free space and rerun; nothing was replaced)" : "")")
    }
    if fsync(fd) != 0 {
        let e = errno
        close(fd)
        throw FileWriteError(description: "cannot fsync \(path): \(String(cString: strerror(e)))")
    }
    close(fd)
    guard rename(tmp, path) == 0 else {
        throw FileWriteError(description: "cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
    }
    ok = true
    let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}
