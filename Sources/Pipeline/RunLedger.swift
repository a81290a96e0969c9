// Publishing what `pipeline run` did with each stage: the pipeline.lock entry (rewritten after
// each stage that is restored or runs), the run summary, and the one log line per outcome that
// users and tests read ("fresh   …", "restore …", "run     …", "done    …", "FAILED  …", …).
import Artifacts

struct RunLedger {
    private(set) var lock: LockFile
    private(set) var summary = RunSummary()
    let root: String
    let profile: String
    let log: (String) -> Void

    /// `lock`: pipeline.lock as read; entries of stages `declared` does not name drop out on the next write.
    init(lock: LockFile, declared: (String) -> Bool, root: String, profile: String, log: @escaping (String) -> Void) {
        var lock = lock
        lock.stages = lock.stages.filter { declared($0.key) }
        self.lock = lock; self.root = root; self.profile = profile; self.log = log
    }

    /// The key matches pipeline.lock and the outputs are in the store.
    mutating func fresh(_ name: String, _ entry: LockEntry) {
        summary.fresh.append(name)
        log("fresh   \(name) (key \(entry.key.short))")
    }

    /// The run cache held a run with this key; its outputs are now the stage's.
    mutating func restored(_ name: String, _ manifest: Manifest, manifestDigest: Digest, parts: KeyParts) throws {
        lock.stages[name] = LockEntry(key: parts.key, profile: profile, toolCode: parts.toolCode,
                                      command: parts.command, params: parts.paramsDigest, inputs: parts.inputs,
                                      outputs: manifest.outputs, manifest: manifestDigest, metrics: manifest.metrics)
        try lock.save(root: root)
        summary.restored.append(name)
        log("restore \(name): key \(parts.key.short) is in the run cache; outputs restored without running")
    }

    /// The stage is about to run, for these reasons.
    func starting(_ name: String, reasons: [String]) {
        log("run     \(name): \(reasons.joined(separator: "; "))")
    }

    /// The stage ran and its outputs are in the store.
    mutating func ran(_ name: String, _ entry: LockEntry) throws {
        lock.stages[name] = entry
        try lock.save(root: root)
        summary.ran.append(name)
        log("done    \(name) (key \(entry.key.short); \(entry.outputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.short)" }.joined(separator: ", ")))")
    }

    /// The stage's key could not be computed, or its run failed; pipeline.lock keeps its previous entry.
    mutating func failed(_ name: String, _ error: Error) {
        summary.failed.append(name)
        log("FAILED  \(name): \(error)")
    }

    mutating func interrupted(_ name: String) {
        summary.interrupted = true
        log("stopped \(name): interrupted; its work directory was removed and pipeline.lock keeps its previous entry")
    }

    mutating func notStarted(_ name: String, upstream: String) {
        summary.notStarted.append(name)
        log("not started \(name): upstream \(upstream) did not finish")
    }

    /// The summary once no stage runs any more: `neverStarted` (stages left when new starts
    /// stopped) count as not started; a cancelled run says how much of it finished.
    mutating func finish(neverStarted: [String], cancelled: Bool) -> RunSummary {
        if cancelled { summary.interrupted = true }
        summary.notStarted += neverStarted.filter { !summary.notStarted.contains($0) }
        if summary.interrupted { log("interrupted: \(summary.ran.count) stage(s) finished, unfinished work discarded") }
        return summary
    }
}
