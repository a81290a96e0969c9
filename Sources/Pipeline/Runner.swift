// `pipeline run`: walks the selected stages in dependency order; for each one, once its upstream
// is done, computes its key and either skips it (fresh), restores it from the run cache (key
// seen before) or runs it as a child process (up to --jobs at once). pipeline.lock is rewritten
// after each stage that succeeds; SIGINT/SIGTERM are forwarded to the running stages, whose
// work is discarded, and the command then exits non-zero.
import Artifacts
import Foundation

public struct RunOptions: Sendable {
    public var targets: [String] = []
    public var force = false
    public var dryRun = false
    public var jobs = 1
    public var profile = "default"
    public var waitForLock = true
    /// After a stage fails, go on with every stage that does not depend on it (make -k); the
    /// run still exits non-zero and names the failed and the not-started stages.
    public var keepGoing = false
    public init() {}
}

public struct RunSummary: Sendable, Equatable {
    public var ran: [String] = []
    public var restored: [String] = []
    public var fresh: [String] = []
    public var failed: [String] = []
    public var notStarted: [String] = []
    public var interrupted = false
    public var succeeded: Bool { failed.isEmpty && notStarted.isEmpty && !interrupted }
}

/// What `run` decided for a stage whose upstream is done.
enum Decision {
    case fresh
    case restore(Manifest, Digest, KeyParts)
    case run(KeyParts, reasons: [String])
    case waiting(upstream: String)
}

extension Workspace {
    public func run(_ options: RunOptions, log: @escaping @Sendable (String) -> Void) throws -> RunSummary {
        let selected = try spec.closure(of: options.targets)
        var forced = Set<String>()
        if options.force { forced = Set(options.targets.isEmpty ? selected : options.targets.flatMap { spec.matching($0) }) }
        try checkExecutables(selected, profile: options.profile)
        if options.dryRun { return try dryRun(selected, forced: forced, options: options, log: log) }

        let storeLock = try StoreLock(store: store, wait: options.waitForLock, log: log)
        defer { withExtendedLifetime(storeLock) {} }
        let leftOver = store.clearTemporaries()        // left by a runner that died; we hold the lock
        if leftOver.entries > 0 { log("removed \(describeFreed(entries: leftOver.entries, bytes: leftOver.bytes)) that a runner which died left in \(store.tmpDir)") }
        let control = RunControl(log: log)
        let signals = control.installSignalHandlers()
        defer { signals.forEach { $0.cancel() }; signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL) }

        var lock = try self.lock()
        lock.stages = lock.stages.filter { spec.stages[$0.key] != nil }   // instances no longer declared drop out on the next write
        let codes = try toolCodes()
        let index = RunIndex(store: store)
        var summary = RunSummary()
        var outputs: [String: [String: Digest]] = [:]   // of stages that are done
        var pending = selected
        var running = Set<String>()
        var blocked = Set<String>()

        while true {
            if !control.isCancelled && (summary.failed.isEmpty || options.keepGoing) {
                // Start (or settle) every stage whose upstream is done, in order, up to --jobs running.
                var progressed = true
                while progressed && (summary.failed.isEmpty || options.keepGoing) {
                    progressed = false
                    for name in pending where running.count < max(options.jobs, 1) {
                        let ups = spec.stages[name]!.upstream
                        if let bad = ups.first(where: { blocked.contains($0) }) {
                            blocked.insert(name); pending.removeAll { $0 == name }
                            summary.notStarted.append(name)
                            log("not started \(name): upstream \(bad) did not finish")
                            progressed = true; break
                        }
                        guard ups.allSatisfy({ outputs[$0] != nil }) else { continue }
                        pending.removeAll { $0 == name }
                        progressed = true
                        let decision: Decision
                        do {
                            decision = try decide(name, lock: lock, codes: codes, index: index, forced: forced.contains(name),
                                                  profile: options.profile, outputs: { outputs[$0] })
                        } catch {                       // e.g. an input file vanished: this stage fails, running ones finish
                            summary.failed.append(name)
                            blocked.insert(name)
                            log("FAILED  \(name): \(error)")
                            break
                        }
                        switch decision {
                        case .fresh:
                            outputs[name] = lock.stages[name]!.outputs
                            summary.fresh.append(name)
                            log("fresh   \(name) (key \(lock.stages[name]!.key.short))")
                        case .restore(let m, let md, let parts):
                            lock.stages[name] = LockEntry(key: parts.key, profile: options.profile, toolCode: parts.toolCode,
                                                          command: parts.command, params: parts.paramsDigest, inputs: parts.inputs,
                                                          outputs: m.outputs, manifest: md, metrics: m.metrics)
                            try lock.save(root: root)
                            outputs[name] = m.outputs
                            summary.restored.append(name)
                            log("restore \(name): key \(parts.key.short) is in the run cache; outputs restored without running")
                        case .run(let parts, let reasons):
                            log("run     \(name): \(reasons.joined(separator: "; "))")
                            running.insert(name)
                            let profile = options.profile
                            Thread.detachNewThread { [self] in
                                let result = Result { try self.execute(name, parts: parts, profile: profile, control: control, log: log) }
                                control.finish(name, result)
                            }
                        case .waiting: fatalError("upstream outputs are known here")
                        }
                        break
                    }
                }
            }
            if running.isEmpty { break }
            let (name, result) = control.nextCompletion()
            running.remove(name)
            switch result {
            case .success(let entry?):
                lock.stages[name] = entry
                try lock.save(root: root)
                outputs[name] = entry.outputs
                summary.ran.append(name)
                log("done    \(name) (key \(entry.key.short); \(entry.outputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.short)" }.joined(separator: ", ")))")
            case .success(nil):
                summary.interrupted = true
                blocked.insert(name)
                log("stopped \(name): interrupted; its work directory was removed and pipeline.lock keeps its previous entry")
            case .failure(let e):
                summary.failed.append(name)
                blocked.insert(name)
                log("FAILED  \(name): \(e)")
            }
        }
        if control.isCancelled { summary.interrupted = true }
        summary.notStarted += pending.filter { !summary.notStarted.contains($0) }
        if summary.interrupted { log("interrupted: \(summary.ran.count) stage(s) finished, unfinished work discarded") }
        hashes.save()
        return summary
    }

    /// Every selected stage's tool must have a runnable executable and every parameter a value
    /// for the profile; all problems at once.
    func checkExecutables(_ stages: [String], profile: String) throws(SpecError) {
        try spec.checkProfile(profile)
        var problems: [String] = []
        for name in stages {
            do { _ = try resolveParams(spec.stages[name]!.params, profile: profile, stage: name) } catch { problems += error.problems }
        }
        for t in Set(stages.map { spec.stages[$0]!.tool }).sorted() {
            let tool = spec.tools[t]!
            if resolveExecutable(tool.exec, root: root) == nil {
                problems.append("tool \(t): executable \(tool.exec) is missing or not executable\(tool.exec.contains("/") ? " under \(root)" : " on PATH") (build it first, e.g. `swift build -c release`)")
            }
        }
        if !problems.isEmpty { throw SpecError(problems: problems) }
    }

    func decide(_ name: String, lock: LockFile, codes: [String: Digest], index: RunIndex, forced: Bool,
                profile: String, outputs: (String) -> [String: Digest]?) throws -> Decision {
        let (p, waiting) = try keyParts(name, profile: profile, toolCodes: codes, outputs: outputs)
        guard let parts = p else { return .waiting(upstream: waiting!) }
        let entry = lock.stages[name]
        if forced { return .run(parts, reasons: ["forced (--force)"]) }
        if let entry, entry.key == parts.key {
            let missing = entry.outputs.filter { !store.contains($0.value) }.keys.sorted()
            if missing.isEmpty { return .fresh }
            if let m = try? index.manifest(for: parts.key), let md = index.manifestDigest(for: parts.key),
               m.outputs.values.allSatisfy(store.contains) { return .restore(m, md, parts) }
            return .run(parts, reasons: ["outputs missing from the store: \(missing.joined(separator: ", "))"])
        }
        if let m = try? index.manifest(for: parts.key), let md = index.manifestDigest(for: parts.key),
           m.outputs.values.allSatisfy(store.contains) { return .restore(m, md, parts) }
        return .run(parts, reasons: entry.map { reasons(name, parts: parts, entry: $0, profile: profile) } ?? ["never run"])
    }

    func dryRun(_ selected: [String], forced: Set<String>, options: RunOptions, log: (String) -> Void) throws -> RunSummary {
        let lock = try self.lock()
        let codes = try toolCodes()
        let index = RunIndex(store: store)
        var outputs: [String: [String: Digest]] = [:]
        var summary = RunSummary()
        for name in selected {
            switch try decide(name, lock: lock, codes: codes, index: index, forced: forced.contains(name),
                              profile: options.profile, outputs: { outputs[$0] }) {
            case .fresh:
                outputs[name] = lock.stages[name]!.outputs
                summary.fresh.append(name)
                log("fresh           \(name)")
            case .restore(let m, _, _):
                outputs[name] = m.outputs
                summary.restored.append(name)
                log("would restore   \(name) from the run cache")
            case .run(_, let reasons):
                summary.ran.append(name)
                log("would run       \(name): \(reasons.joined(separator: "; "))")
            case .waiting(let up):
                summary.ran.append(name)
                if forced.contains(name) { log("would run       \(name): forced (--force), after \(up)") }
                else { log("would decide    \(name) after \(up) runs (runs only if the outputs it reads change)") }
            }
        }
        hashes.save()
        return summary
    }
}

/// Shared state between the scheduling loop, stage threads and signal handlers.
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
