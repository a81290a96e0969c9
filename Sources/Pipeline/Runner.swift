// `pipeline run`: walks the selected stages in dependency order; for each one, once its upstream
// is done, computes its key and either skips it (fresh), restores it from the run cache (key
// seen before) or runs it as a child process (up to --jobs at once). pipeline.lock is rewritten
// after each stage that succeeds; SIGINT/SIGTERM are forwarded to the running stages, whose
// work is discarded, and the command then exits non-zero. The parts: StageSchedule.swift (which
// stage next), RunControl.swift (child processes and signals), RunLedger.swift (lock, summary, log).
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

/// What `run` decided for a stage whose key is known.
enum Decision {
    /// The key matches pipeline.lock's entry, whose outputs are all in the store.
    case fresh(LockEntry)
    case restore(Manifest, Digest, KeyParts)
    case run(KeyParts, reasons: [String])
}

extension Workspace {
    /// Takes up the selected stages in dependency order (`StageSchedule`): each is fresh,
    /// restored or launched as a child process (`RunControl`), and every outcome goes to
    /// pipeline.lock, the summary and the log (`RunLedger`).
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

        var ledger = RunLedger(lock: try self.lock(), declared: { spec.stages[$0] != nil }, root: root,
                               profile: options.profile, log: log)
        let codes = try toolCodes()
        let index = RunIndex(store: store)
        let upstreamOf = selected.reduce(into: [String: [String]]()) { $0[$1] = spec.stages[$1]?.upstream ?? [] }
        var schedule = StageSchedule(order: selected, upstream: upstreamOf, jobs: options.jobs, keepGoing: options.keepGoing)
        while true {
            if control.isCancelled { schedule.stop() }
            while let step = schedule.next() {
                switch step {
                case .notStarted(let name, let upstream):
                    ledger.notStarted(name, upstream: upstream)
                case .ready(let name):
                    let decision: Decision
                    do {
                        decision = try decide(name, lock: ledger.lock, codes: codes, index: index, forced: forced.contains(name),
                                              profile: options.profile, outputs: { schedule.outputs(of: $0) })
                    } catch {                           // e.g. an input file vanished: this stage fails, running ones finish
                        ledger.failed(name, error)
                        schedule.markFailed(name)
                        continue
                    }
                    switch decision {
                    case .fresh(let entry):
                        ledger.fresh(name, entry)
                        schedule.markDone(name, outputs: entry.outputs)
                    case .restore(let m, let md, let parts):
                        try ledger.restored(name, m, manifestDigest: md, parts: parts)
                        schedule.markDone(name, outputs: m.outputs)
                    case .run(let parts, let reasons):
                        ledger.starting(name, reasons: reasons)
                        let profile = options.profile
                        control.launch(name) { [self] in try execute(name, parts: parts, profile: profile, control: control, log: log) }
                    }
                }
            }
            if schedule.active.isEmpty { break }
            let (name, result) = control.nextCompletion()
            switch result {
            case .success(let entry?):
                try ledger.ran(name, entry)
                schedule.markDone(name, outputs: entry.outputs)
            case .success(nil):
                ledger.interrupted(name)
                schedule.markInterrupted(name)
            case .failure(let e):
                ledger.failed(name, e)
                schedule.markFailed(name)
            }
        }
        let summary = ledger.finish(neverStarted: schedule.pending, cancelled: control.isCancelled)
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

    /// What to do with `name`, whose upstream stages are all done (`outputs` knows theirs).
    func decide(_ name: String, lock: LockFile, codes: [String: Digest], index: RunIndex, forced: Bool,
                profile: String, outputs: (String) -> [String: Digest]?) throws -> Decision {
        switch try keyParts(name, profile: profile, toolCodes: codes, outputs: outputs) {
        case .known(let parts):
            return decide(name, parts: parts, lock: lock, index: index, forced: forced, profile: profile)
        case .unknown(let up, let out):     // only a pipeline.lock entry or run-cache manifest that lacks the output
            throw RunError("upstream \(up) is done but its recorded outputs have no \(out) (pipeline.lock or the run cache lists other outputs; `pipeline run --force \(up)` rebuilds them)")
        }
    }

    /// Fresh, restore or run, for a stage whose key parts are `parts`.
    func decide(_ name: String, parts: KeyParts, lock: LockFile, index: RunIndex, forced: Bool, profile: String) -> Decision {
        let entry = lock.stages[name]
        if forced { return .run(parts, reasons: ["forced (--force)"]) }
        if let entry, entry.key == parts.key {
            let missing = entry.outputs.filter { !store.contains($0.value) }.keys.sorted()
            if missing.isEmpty { return .fresh(entry) }
            if let m = try? index.manifest(for: parts.key), let md = index.manifestDigest(for: parts.key),
               m.outputs.values.allSatisfy(store.contains) { return .restore(m, md, parts) }
            return .run(parts, reasons: ["outputs missing from the store: \(missing.joined(separator: ", "))"])
        }
        if let m = try? index.manifest(for: parts.key), let md = index.manifestDigest(for: parts.key),
           m.outputs.values.allSatisfy(store.contains) { return .restore(m, md, parts) }
        return .run(parts, reasons: entry.map { reasons(name, parts: parts, entry: $0, profile: profile) } ?? ["never run"])
    }

    /// What `run` would do, without running: a stage downstream of one that would run cannot be
    /// decided until that one's outputs are known.
    func dryRun(_ selected: [String], forced: Set<String>, options: RunOptions, log: (String) -> Void) throws -> RunSummary {
        let lock = try self.lock()
        let codes = try toolCodes()
        let index = RunIndex(store: store)
        var outputs: [String: [String: Digest]] = [:]
        var summary = RunSummary()
        for name in selected {
            let parts: KeyParts
            switch try keyParts(name, profile: options.profile, toolCodes: codes, outputs: { outputs[$0] }) {
            case .known(let p): parts = p
            case .unknown(let up, _):
                summary.ran.append(name)
                if forced.contains(name) { log("would run       \(name): forced (--force), after \(up)") }
                else { log("would decide    \(name) after \(up) runs (runs only if the outputs it reads change)") }
                continue
            }
            switch decide(name, parts: parts, lock: lock, index: index, forced: forced.contains(name), profile: options.profile) {
            case .fresh(let entry):
                outputs[name] = entry.outputs
                summary.fresh.append(name)
                log("fresh           \(name)")
            case .restore(let m, _, _):
                outputs[name] = m.outputs
                summary.restored.append(name)
                log("would restore   \(name) from the run cache")
            case .run(_, let reasons):
                summary.ran.append(name)
                log("would run       \(name): \(reasons.joined(separator: "; "))")
            }
        }
        hashes.save()
        return summary
    }
}
