// `pipeline gc` and `pipeline verify`. gc keeps what pipeline.lock refers to (outputs, manifests,
// logs) and, unless told otherwise, everything the run cache refers to; verify rehashes every
// object, moves corrupt ones aside (so the stage that made them can store them again) and names
// the stage that made each.
import Artifacts
import Foundation

public struct GCSummary: Sendable, Equatable {
    public var removed = 0
    public var kept = 0
    public var bytesFreed = 0
    public var runsForgotten = 0
    /// Entries and bytes under the store's tmp/ (left by a process that died), removed.
    public var temporaryEntries = 0
    public var temporaryBytes = 0
}

public struct VerifyReport: Sendable {
    public var checked = 0
    /// Object → the error (which names the object and the stage that made it).
    public var corrupt: [(Digest, String)] = []
    /// Objects pipeline.lock refers to that are not in the store.
    public var missing: [(stage: String, what: String, digest: Digest)] = []
    /// Entries and bytes under the store's tmp/ (left by a process that died), removed.
    public var temporaryEntries = 0
    public var temporaryBytes = 0
    public var ok: Bool { corrupt.isEmpty && missing.isEmpty }
}

extension Workspace {
    public func gc(keepRunCache: Bool = true, dryRun: Bool = false, waitForLock: Bool = true) throws -> GCSummary {
        let storeLock = try StoreLock(store: store, wait: waitForLock)
        defer { withExtendedLifetime(storeLock) {} }
        let index = RunIndex(store: store)
        var keep = Set<Digest>()
        func keepManifest(_ d: Digest) {
            keep.insert(d)
            if let m = try? Manifest(json: store.getJSON(d)) { keep.formUnion(m.referencedObjects) }
        }
        for e in try lock().stages.values { keep.formUnion(e.outputs.values); keepManifest(e.manifest) }
        var summary = GCSummary()
        if !dryRun { (summary.temporaryEntries, summary.temporaryBytes) = store.clearTemporaries() }
        for key in index.allKeys() {
            guard let md = index.manifestDigest(for: key) else { continue }
            if keepRunCache { keepManifest(md) }
            else if !keep.contains(md) { if !dryRun { index.remove(key: key) }; summary.runsForgotten += 1 }
        }
        for d in store.allObjects() {
            if keep.contains(d) { summary.kept += 1; continue }
            var st = stat()
            if stat(store.objectPath(d), &st) == 0 { summary.bytesFreed += Int(st.st_size) }
            if !dryRun { try store.remove(d) }
            summary.removed += 1
        }
        return summary
    }

    public func verify(waitForLock: Bool = true, log: (String) -> Void = { _ in }) throws -> VerifyReport {
        let storeLock = try StoreLock(store: store, wait: waitForLock)
        defer { withExtendedLifetime(storeLock) {} }
        var report = VerifyReport()
        (report.temporaryEntries, report.temporaryBytes) = store.clearTemporaries()
        for d in store.allObjects() {
            report.checked += 1
            do { try store.verify(d) } catch {
                report.corrupt.append((d, "\(error)"))
                log("CORRUPT \(error)")
                try store.quarantine(d)
                log("        moved aside to \(store.root)/corrupt/\(d.hex).zst")
            }
        }
        for (name, e) in try lock().stages.sorted(by: { $0.key < $1.key }) {
            for (o, d) in e.outputs.sorted(by: { $0.key < $1.key }) where !store.contains(d) {
                report.missing.append((name, "output \(o)", d))
            }
            if !store.contains(e.manifest) { report.missing.append((name, "manifest", e.manifest)) }
        }
        return report
    }
}
