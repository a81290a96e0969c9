// pipeline.lock: committed beside pipeline.json; per stage instance the key of its last
// successful run, the parts of that key (tool code, command, parameters, inputs), the output
// hashes, the manifest and the headline metrics. Rewritten atomically after each stage succeeds.
import Artifacts
import Foundation
import JSONText
import Support

public struct LockEntry: Sendable, Equatable {
    public var key: Digest
    public var profile: String
    public var toolCode: Digest
    public var command: Digest
    public var params: Digest
    public var inputs: [String: Digest]
    public var outputs: [String: Digest]
    public var manifest: Digest
    public var metrics: [String: Double]

    var json: JSONValue {
        .object([
            "key": .string(key.hex), "profile": .string(profile), "tool_code": .string(toolCode.hex),
            "command": .string(command.hex), "params": .string(params.hex),
            "inputs": .object(inputs.mapValues { .string($0.hex) }),
            "outputs": .object(outputs.mapValues { .string($0.hex) }),
            "manifest": .string(manifest.hex),
            "metrics": .object(metrics.mapValues { .double($0) }),
        ])
    }

    init(key: Digest, profile: String, toolCode: Digest, command: Digest, params: Digest, inputs: [String: Digest],
         outputs: [String: Digest], manifest: Digest, metrics: [String: Double]) {
        self.key = key; self.profile = profile; self.toolCode = toolCode; self.command = command; self.params = params
        self.inputs = inputs; self.outputs = outputs; self.manifest = manifest; self.metrics = metrics
    }

    init(json v: JSONValue, stage: String, source: String) throws(SpecError) {
        func bad(_ what: String) -> SpecError { SpecError(problems: ["\(source): stages.\(stage).\(what) is missing or not a SHA-256 (restore the file from git or delete the entry)"]) }
        func d(_ x: JSONValue?, _ what: String) throws(SpecError) -> Digest {
            guard let s = x?.stringValue, let dg = Digest(hex: s) else { throw bad(what) }
            return dg
        }
        func map(_ x: JSONValue?, _ what: String) throws(SpecError) -> [String: Digest] {
            guard let o = x?.objectValue else { throw bad(what) }
            var r: [String: Digest] = [:]
            for (k, y) in o { r[k] = try d(y, "\(what).\(k)") }
            return r
        }
        key = try d(v["key"], "key")
        profile = v["profile"]?.stringValue ?? "default"
        toolCode = try d(v["tool_code"], "tool_code")
        command = try d(v["command"], "command")
        params = try d(v["params"], "params")
        inputs = try map(v["inputs"], "inputs")
        outputs = try map(v["outputs"], "outputs")
        manifest = try d(v["manifest"], "manifest")
        metrics = (v["metrics"]?.objectValue ?? [:]).compactMapValues(\.doubleValue)
    }
}

public struct LockFile: Sendable, Equatable {
    public static let format = "graft-pipeline-lock"
    public var stages: [String: LockEntry] = [:]

    public init() {}

    /// Parses lock text (`source` names it in errors: a path or `REV:pipeline.lock`).
    public init(text: String, source: String) throws(SpecError) {
        let v: JSONValue
        do { v = try parseJSON(text) } catch { throw SpecError(problems: ["\(source):\(error.position): syntax error: \(error.message)"]) }
        guard v["format"]?.stringValue == Self.format, v["version"]?.intValue == 1 else {
            throw SpecError(problems: ["\(source): not a \(Self.format) version 1 file"])
        }
        for (name, e) in v["stages"]?.objectValue ?? [:] { stages[name] = try LockEntry(json: e, stage: name, source: source) }
    }

    /// Reads `<root>/pipeline.lock`; a missing file is an empty lock.
    public static func load(root: String) throws(SpecError) -> LockFile {
        let path = root + "/pipeline.lock"
        guard FileManager.default.fileExists(atPath: path) else { return LockFile() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SpecError(problems: ["cannot read \(path)"]) }
        return try LockFile(text: text, source: "pipeline.lock")
    }

    public var bytes: [UInt8] {
        let v: JSONValue = .object(["format": .string(Self.format), "version": 1,
                                     "stages": .object(stages.mapValues(\.json))])
        return (try? CanonicalJSON.pretty(v)) ?? []
    }

    public func save(root: String) throws {
        try writeFileAtomically(root + "/pipeline.lock", bytes: bytes)
    }

    /// Every object the lock refers to: outputs and manifests.
    public var referencedObjects: Set<Digest> {
        var s = Set<Digest>()
        for e in stages.values { s.formUnion(e.outputs.values); s.insert(e.manifest) }
        return s
    }
}
