// What one stage run leaves behind: a manifest object (stage, key, parameters, inputs, outputs,
// tool identity, wall time, peak memory, headline metrics, log), and the run index mapping
// stage keys to manifests: the run cache, which outlives commits and branches.
import Foundation
import JSONText
import Support

public struct Manifest: Sendable, Equatable {
    public static let format = "graft-manifest"
    public static let version: Int64 = 1

    public var stage: String
    public var key: Digest
    public var profile: String
    public var params: JSONValue
    /// Input name → (hash, where it came from: a repo path or `instance:output`).
    public var inputs: [String: (hash: Digest, source: String)]
    public var outputs: [String: Digest]
    public var tool: String
    public var toolExec: String
    public var toolCode: Digest
    public var wallSeconds: Double
    public var peakMemoryBytes: Int
    public var metrics: [String: Double]
    public var log: Digest?

    public init(stage: String, key: Digest, profile: String, params: JSONValue, inputs: [String: (hash: Digest, source: String)],
                outputs: [String: Digest], tool: String, toolExec: String, toolCode: Digest, wallSeconds: Double,
                peakMemoryBytes: Int, metrics: [String: Double], log: Digest?) {
        self.stage = stage; self.key = key; self.profile = profile; self.params = params; self.inputs = inputs
        self.outputs = outputs; self.tool = tool; self.toolExec = toolExec; self.toolCode = toolCode
        self.wallSeconds = wallSeconds; self.peakMemoryBytes = peakMemoryBytes; self.metrics = metrics; self.log = log
    }

    public static func == (a: Manifest, b: Manifest) -> Bool { a.json == b.json }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "format": .string(Self.format), "version": .int(Self.version),
            "stage": .string(stage), "key": .string(key.hex), "profile": .string(profile), "params": params,
            "inputs": .object(inputs.mapValues { .object(["hash": .string($0.hash.hex), "source": .string($0.source)]) }),
            "outputs": .object(outputs.mapValues { .string($0.hex) }),
            "tool": .object(["name": .string(tool), "exec": .string(toolExec), "code": .string(toolCode.hex)]),
            "wall_seconds": .double((wallSeconds * 1000).rounded() / 1000),
            "peak_memory_bytes": .int(Int64(peakMemoryBytes)),
            "metrics": .object(metrics.mapValues { .double($0) }),
        ]
        if let log { o["log"] = .string(log.hex) }
        return .object(o)
    }

    public init(json v: JSONValue) throws(StoreError) {
        func bad(_ what: String) -> StoreError { StoreError.format("manifest: \(what)") }
        guard v["format"]?.stringValue == Self.format else { throw bad("format is not \(Self.format)") }
        guard v["version"]?.intValue == Self.version else { throw bad("unsupported version \(v["version"].map { "\($0)" } ?? "none") (this graft reads \(Self.version))") }
        func digest(_ x: JSONValue?, _ what: String) throws(StoreError) -> Digest {
            guard let s = x?.stringValue, let d = Digest(hex: s) else { throw bad("\(what) is not a SHA-256") }
            return d
        }
        guard let stage = v["stage"]?.stringValue, let profile = v["profile"]?.stringValue,
              let tool = v["tool"]?["name"]?.stringValue, let exec = v["tool"]?["exec"]?.stringValue,
              let inputs = v["inputs"]?.objectValue, let outputs = v["outputs"]?.objectValue,
              let metrics = v["metrics"]?.objectValue else { throw bad("missing fields") }
        self.stage = stage
        self.profile = profile
        self.key = try digest(v["key"], "key")
        self.params = v["params"] ?? .object([:])
        var ins: [String: (hash: Digest, source: String)] = [:]
        for (k, x) in inputs { ins[k] = (try digest(x["hash"], "input \(k)"), x["source"]?.stringValue ?? "") }
        self.inputs = ins
        var outs: [String: Digest] = [:]
        for (k, x) in outputs { outs[k] = try digest(x, "output \(k)") }
        self.outputs = outs
        self.tool = tool
        self.toolExec = exec
        self.toolCode = try digest(v["tool"]?["code"], "tool code")
        self.wallSeconds = v["wall_seconds"]?.doubleValue ?? 0
        self.peakMemoryBytes = Int(v["peak_memory_bytes"]?.intValue ?? 0)
        self.metrics = metrics.compactMapValues { $0.doubleValue }
        self.log = v["log"] == nil ? nil : try digest(v["log"], "log")
    }

    /// Every object this manifest refers to (outputs and log).
    public var referencedObjects: [Digest] { Array(outputs.values) + (log.map { [$0] } ?? []) }
}

/// The run cache: `runs/<key>` holds the hex digest of the manifest of the run with that key.
public struct RunIndex: Sendable {
    public let store: Store
    public init(store: Store) { self.store = store }

    func path(_ key: Digest) -> String { "\(store.runsDir)/\(key.hex)" }

    public func manifestDigest(for key: Digest) -> Digest? {
        guard let text = try? String(contentsOfFile: path(key), encoding: .utf8) else { return nil }
        return Digest(hex: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The manifest recorded for `key`, if the index has it and the manifest object is intact.
    public func manifest(for key: Digest) throws -> Manifest? {
        guard let m = manifestDigest(for: key) else { return nil }
        return try Manifest(json: store.getJSON(m))
    }

    /// Stores `manifest` and indexes it under its key; returns the manifest object's digest.
    @discardableResult
    public func record(_ manifest: Manifest) throws -> Digest {
        let d = try store.put(json: manifest.json)
        try index(key: manifest.key, manifest: d)
        return d
    }

    public func index(key: Digest, manifest: Digest) throws {
        try writeFileAtomically(path(key), bytes: Array((manifest.hex + "\n").utf8))
    }

    public func allKeys() -> [Digest] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.runsDir)) ?? []).compactMap { Digest(hex: $0) }.sorted()
    }

    public func remove(key: Digest) { unlink(path(key)) }

    /// Stages whose recorded runs produced `d` (read from every readable manifest; slow, for errors).
    public func stagesProducing(_ d: Digest) -> [(stage: String, output: String, key: Digest)] {
        var found: [(stage: String, output: String, key: Digest)] = []
        for key in allKeys() {
            guard let mdigest = manifestDigest(for: key), mdigest != d,
                  let bytes = try? rawPayload(mdigest), let v = try? parseJSON(bytes: bytes),
                  let m = try? Manifest(json: v) else { continue }
            for (name, o) in m.outputs where o == d { found.append((m.stage, name, m.key)) }
            if m.log == d { found.append((m.stage, "log", m.key)) }
        }
        return found.sorted { ($0.stage, $0.output) < ($1.stage, $1.output) }
    }

    /// Reads a payload without provenance lookups (used while building an error message).
    func rawPayload(_ d: Digest) throws -> [UInt8] {
        let fd = open(store.objectPath(d), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.missing(d.hex) }
        defer { close(fd) }
        var out: [UInt8] = []
        let (actual, _) = try decompressAndHash(fd: fd, path: store.objectPath(d)) { out.append(contentsOf: $0) }
        guard actual == d else { throw StoreError.corrupt(d.hex) }
        return out
    }
}
