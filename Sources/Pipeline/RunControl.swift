// Supervising the stages that run as child processes: each runs on its own thread and reports
// its completion here; SIGINT/SIGTERM are forwarded to every running stage, which then has a
// grace period to stop cleanly before it is killed (a second signal kills at once).
import Foundation

/// Shared state between the run loop, stage threads and signal handlers.
final class RunControl: @unchecked Sendable {
    let condition = NSCondition()
    var completed: [(String, Result<LockEntry?, Error>)] = []
    var children: [String: ChildProcess] = [:]
    var cancelSignal: Int32? = nil
    /// Says what the runner does after a signal (forwarding, waiting, killing).
    let log: (String) -> Void
    /// Seconds a stage has, after the forwarded signal, to stop cleanly (distill writes a
    /// checkpoint of ≈1.6 GB for the default model) before it is killed.
    let graceSeconds: Double

    init(log: @escaping (String) -> Void = { _ in }, graceSeconds: Double = 120) {
        self.log = log; self.graceSeconds = graceSeconds
    }

    var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelSignal != nil }

    func installSignalHandlers() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in cancel(sig) }
            source.resume()
            return source
        }
    }

    /// First signal: forwards `sig` to every running stage, says so, and kills the ones still
    /// running after `graceSeconds`. A second signal kills them at once.
    func cancel(_ sig: Int32) {
        condition.lock()
        let first = cancelSignal == nil
        if first { cancelSignal = sig }
        let running = children.sorted { $0.key < $1.key }
        condition.unlock()
        let name = signalName(sig), names = running.map(\.key).joined(separator: ", ")
        guard first else {
            if !running.isEmpty {
                log("\(name) again: killing \(names) now")
                for (_, c) in running { c.signal(SIGKILL) }
            }
            return
        }
        for (_, c) in running { c.signal(sig) }
        if !running.isEmpty {
            log("\(name): forwarded to \(names); waiting up to \(Int(graceSeconds)) s for \(running.count == 1 ? "it" : "them") to stop cleanly (distill writes its checkpoint), then killing; \(name) again kills now")
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) { [self] in
            condition.lock(); let left = children.sorted { $0.key < $1.key }; condition.unlock()
            if !left.isEmpty { log("still running \(Int(graceSeconds)) s after \(name): killing \(left.map(\.key).joined(separator: ", "))") }
            for (_, c) in left { c.signal(SIGKILL) }
        }
    }

    /// Registers a started child (or refuses, when already cancelled).
    func register(_ name: String, _ child: ChildProcess) -> Bool {
        condition.lock(); defer { condition.unlock() }
        children[name] = child
        if let sig = cancelSignal { child.signal(sig); return false }
        return true
    }

    func unregister(_ name: String) { condition.lock(); children[name] = nil; condition.unlock() }

    /// Runs `work` for stage `name` on a thread of its own; its result comes back from `nextCompletion`.
    func launch(_ name: String, _ work: @escaping @Sendable () throws -> LockEntry?) {
        Thread.detachNewThread { [self] in finish(name, Result { try work() }) }
    }

    func finish(_ name: String, _ result: Result<LockEntry?, Error>) {
        condition.lock(); completed.append((name, result)); condition.signal(); condition.unlock()
    }

    func nextCompletion() -> (String, Result<LockEntry?, Error>) {
        condition.lock(); defer { condition.unlock() }
        while completed.isEmpty { condition.wait() }
        return completed.removeFirst()
    }
}

/// "SIGINT (Ctrl-C)", "SIGTERM", or "signal N".
func signalName(_ sig: Int32) -> String {
    switch sig {
    case SIGINT: "SIGINT (Ctrl-C)"
    case SIGTERM: "SIGTERM"
    case SIGKILL: "SIGKILL"
    default: "signal \(sig)"
    }
}
