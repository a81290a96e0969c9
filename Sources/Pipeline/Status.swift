// `pipeline status`: for each stage instance, fresh (its key matches pipeline.lock and its
// outputs are in the store), stale (with the reasons) or never run. Upstream outputs come from
// the lock when fresh, from the run cache when the new key was seen before, and are otherwise
// unknown until the upstream stage runs.
import Artifacts
import Foundation
import JSONText

public struct StageStatus: Sendable, Equatable {
    public enum State: String, Sendable { case fresh, stale, neverRun = "never run" }
    public let stage: String
    public let state: State
    public let reasons: [String]
    /// Nil when an upstream stage must run before the key can be known.
    public let key: Digest?
    /// The run cache holds a run with this key (it can be restored without running).
    public let cached: Bool

    public var json: JSONValue {
        var o: [String: JSONValue] = ["stage": .string(stage), "state": .string(state.rawValue),
                                      "reasons": .array(reasons.map { .string($0) }), "cached": .bool(cached)]
        o["key"] = key.map { .string($0.hex) } ?? .null
        return .object(o)
    }
}

extension Workspace {
    /// The status of `stages` (default: all), in order.
    public func status(profile: String, targets: [String] = []) throws -> [StageStatus] {
        try spec.checkProfile(profile)
        let lock = try lock()
        let codes = try toolCodes()
        let index = RunIndex(store: store)
        var known: [String: [String: Digest]] = [:]
        var result: [StageStatus] = []
        for name in try spec.closure(of: targets) {
            let entry = lock.stages[name]
            let parts: KeyParts
            switch try keyParts(name, profile: profile, toolCodes: codes, outputs: { known[$0] }) {
            case .known(let p): parts = p
            case .unknown(let upstream, _):
                result.append(StageStatus(stage: name, state: entry == nil ? .neverRun : .stale,
                                          reasons: ["upstream \(upstream) must run first"], key: nil, cached: false))
                continue
            }
            let cachedManifest = (try? index.manifest(for: parts.key)) ?? nil
            let cachedOutputs = cachedManifest.flatMap { m in m.outputs.values.allSatisfy(store.contains) ? m.outputs : nil }
            let cacheNote = cachedOutputs != nil ? " (restorable from the run cache)" : ""
            if let entry, entry.key == parts.key {
                let missing = entry.outputs.filter { !store.contains($0.value) }.keys.sorted()
                if missing.isEmpty {
                    known[name] = entry.outputs
                    result.append(StageStatus(stage: name, state: .fresh, reasons: [], key: parts.key, cached: cachedOutputs != nil))
                } else {
                    known[name] = cachedOutputs
                    result.append(StageStatus(stage: name, state: .stale, key: parts.key, cached: cachedOutputs != nil,
                        reasons: ["outputs missing from the store: \(missing.joined(separator: ", ")) (restore an archive or rerun)"]))
                }
            } else if let entry {
                known[name] = cachedOutputs
                var r = reasons(name, parts: parts, entry: entry, profile: profile)
                r[r.count - 1] += cacheNote
                result.append(StageStatus(stage: name, state: .stale, reasons: r, key: parts.key, cached: cachedOutputs != nil))
            } else {
                known[name] = cachedOutputs
                result.append(StageStatus(stage: name, state: .neverRun, reasons: ["never run" + cacheNote], key: parts.key,
                                          cached: cachedOutputs != nil))
            }
        }
        hashes.save()
        return result
    }
}

extension StageStatus {
    init(stage: String, state: State, key: Digest?, cached: Bool, reasons: [String]) {
        self.init(stage: stage, state: state, reasons: reasons, key: key, cached: cached)
    }
}
