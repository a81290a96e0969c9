// A stage as a child process: posix_spawn of an argv array (no shell) in its own process group
// and working directory, stdin from /dev/null, stdout and stderr merged into one pipe that a
// reader thread copies to a log file and to the terminal with a "stage | " prefix.
import Foundation

struct ChildExit {
    /// Exit code, or nil when a signal ended the process.
    let code: Int32?
    let signal: Int32?
    let peakMemoryBytes: Int
    var succeeded: Bool { code == 0 }
    var description: String {
        if let code { return "exit status \(code)" }
        return "killed by signal \(signal ?? 0)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGINT ? " (SIGINT)" : signal == SIGTERM ? " (SIGTERM)" : "")"
    }
}

final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let reader: Thread
    let done = DispatchSemaphore(value: 0)

    /// Starts `path` with `args` (argv[1…]). Output lines go to `emit` (prefixed) and raw to `logFD`.
    init(path: String, args: [String], environment: [String: String], directory: String, prefix: String,
         logFD: Int32, emit: @escaping @Sendable (String) -> Void) throws {
        var fds: [Int32] = [0, 0]
        guard glibcPipe2(&fds, O_CLOEXEC) == 0 else { throw RunError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        let (readFD, writeFD) = (fds[0], fds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 2)
        guard glibcAddChdir(&actions, directory) == 0 else { throw RunError("cannot set the working directory \(directory)") }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGXFSZ] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        close(writeFD)
        guard rc == 0 else {
            close(readFD)
            throw RunError("cannot start \(path): \(String(cString: strerror(rc)))")
        }
        pid = child
        let finished = done
        reader = Thread {
            var pending: [UInt8] = []
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 65536, alignment: 16)
            defer { buffer.deallocate(); close(readFD); finished.signal() }
            while true {
                let n = read(readFD, buffer, 65536)
                if n < 0 { if errno == EINTR { continue }; break }
                if n == 0 { break }
                var off = 0
                while off < n {
                    let w = write(logFD, buffer + off, n - off)
                    if w <= 0 { break }
                    off += w
                }
                pending.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
                while let nl = pending.firstIndex(of: 0x0A) {
                    emit(prefix + String(decoding: pending[..<nl], as: UTF8.self))
                    pending.removeSubrange(...nl)
                }
            }
            if !pending.isEmpty { emit(prefix + String(decoding: pending, as: UTF8.self)) }
        }
        reader.start()
    }

    /// Sends `sig` to the child's whole process group.
    func signal(_ sig: Int32) { kill(-pid, sig) }

    /// Waits for the child and for its output to drain.
    func wait() -> ChildExit {
        // Wait for the exit without reaping, so the pid (and so the group id) cannot be reused
        // while we end what is left of the group: grandchildren may keep the pipe open.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        done.wait()
        let peak = Int(usage.ru_maxrss) * 1024
        if status & 0x7f == 0 { return ChildExit(code: (status >> 8) & 0xff, signal: nil, peakMemoryBytes: peak) }
        return ChildExit(code: nil, signal: status & 0x7f, peakMemoryBytes: peak)
    }
}

// Two GNU extensions Swift's Glibc module does not import (they need _GNU_SOURCE), looked up once.
private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
private let glibcPipe2: Pipe2 = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2")!, to: Pipe2.self)
private let glibcAddChdir: AddChdir = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")!, to: AddChdir.self)

public struct RunError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// The absolute path of a tool's executable: relative to `root` when it contains "/", else found on PATH.
func resolveExecutable(_ exec: String, root: String) -> String? {
    func runnable(_ p: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && !isDir.boolValue && access(p, X_OK) == 0
    }
    if exec.contains("/") { return runnable(root + "/" + exec) ? root + "/" + exec : nil }
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let p = "\(dir)/\(exec)"
        if runnable(p) { return p }
    }
    return nil
}
