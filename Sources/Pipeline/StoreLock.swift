// One runner per store: an exclusive flock on artifacts/lock, held for the whole command. The
// kernel releases a flock when its holder dies, so a lock left by a killed runner never blocks;
// the file keeps the holder's pid only to name it in the waiting message.
import Artifacts
import Foundation

public struct LockBusy: Error, CustomStringConvertible {
    public let description: String
}

public final class StoreLock {
    let fd: Int32

    /// Takes the lock on `store`. When another process holds it: with `wait`, prints who and
    /// waits; otherwise throws `LockBusy` naming the holder.
    public init(store: Store, wait: Bool, log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws {
        let path = store.root + "/lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                let e = errno
                close(fd)
                throw StoreError.io("cannot lock \(path): \(String(cString: strerror(e)))")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            let who = "another pipeline command (\(holder.isEmpty ? "pid unknown" : holder)) holds the store lock \(path)"
            guard wait else {
                close(fd)
                throw LockBusy(description: "\(who); it is still running. Wait for it, or run again without --no-wait to queue behind it.")
            }
            log("\(who); waiting for it to finish (Ctrl-C to give up, --no-wait to exit instead)")
            while flock(fd, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                throw StoreError.io("cannot lock \(path): \(String(cString: strerror(e)))")
            }
        }
        let me = "pid \(getpid())"
        ftruncate(fd, 0)
        _ = me.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit { close(fd) }          // closing the descriptor releases the flock
}
