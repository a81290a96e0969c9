// A checkout as the runner sees it: the root, pipeline.json, pipeline.lock and the store under
// artifacts/. Computes each stage instance's key from its parts: tool code hash, command
// (exec, args, outputs), resolved parameters, input hashes.
@_exported import Artifacts   // callers of the runner also use the store's types
import Foundation
import JSONText
import Support

public struct Workspace: Sendable {
    public let root: String
    public let store: Store
    public let spec: PipelineSpec
    public let hashes: FileHashCache
    /// This machine's /proc/cpuinfo (or GRAFT_CPUINFO's file): what `precision_in_key` tools resolve against.
    public let cpuInfo: String

    /// Opens the checkout at `root` (pipeline.json must validate) and its store; `cpuInfo` is the
    /// CPU the keys of `precision_in_key` tools resolve against (tests hand in other CPUs).
    public init(root: String, cpuInfo: String = machineCPUInfo()) throws {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        self.root = absolute
        self.spec = try loadSpec(root: absolute)
        self.store = try Store(root: absolute + "/artifacts")
        self.hashes = FileHashCache(path: absolute + "/artifacts/cache/file-hashes.tsv")
        self.cpuInfo = cpuInfo
    }

    /// The repository root: `start` or the nearest parent holding pipeline.json.
    public static func findRoot(from start: String = FileManager.default.currentDirectoryPath) -> String? {
        var dir = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: dir.path + "/pipeline.json") { return dir.path }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    public func lock() throws -> LockFile { try LockFile.load(root: root) }
}

/// The parts a stage key is made of, and the key.
public struct KeyParts: Sendable, Equatable {
    public let toolCode: Digest
    public let command: Digest
    public let params: JSONValue
    public let paramsDigest: Digest
    public let inputs: [String: Digest]
    public let key: Digest
}

/// A stage's key parts, or the upstream output they wait for.
enum StageKey {
    case known(KeyParts)
    /// An input reads `output` of `upstream`, whose hash is not known: `upstream` must run first.
    case unknown(upstream: String, output: String)
}

extension Workspace {
    /// Code hashes per tool, computed once per command.
    func toolCodes() throws -> [String: Digest] {
        var r: [String: Digest] = [:]
        for (name, tool) in spec.tools { r[name] = try toolCodeHash(tool, root: root, cache: hashes) }
        return r
    }

    func commandDigest(_ s: StageSpec) throws -> Digest {
        let tool = spec.tools[s.tool]!
        return try Digest.of(canonical: .object([
            "exec": .string(tool.exec), "args": .array(s.args.map { .string($0) }),
            "outputs": .object(s.outputs.mapValues { .string($0) }),
        ]))
    }

    /// The key parts of `stage` given its upstream outputs, or the upstream output whose hash is
    /// not known (yet) when some input comes from one.
    func keyParts(_ name: String, profile: String, toolCodes: [String: Digest],
                  outputs: (String) -> [String: Digest]?) throws -> StageKey {
        let s = spec.stages[name]!
        let params = try resolveParams(s.params, profile: profile, stage: name)
        var inputs: [String: Digest] = [:]
        for (inName, src) in s.inputs.sorted(by: { $0.key < $1.key }) {
            switch src {
            case .file(let path): inputs[inName] = try hashes.digest(of: root + "/" + path)
            case .output(let up, let out):
                guard let d = outputs(up)?[out] else { return .unknown(upstream: up, output: out) }
                inputs[inName] = d
            }
        }
        let paramsDigest = try Digest.of(canonical: params)
        let toolCode = toolCodes[s.tool]!
        let command = try commandDigest(s)
        var material: [String: JSONValue] = [
            "format": "graft-stage-key", "version": 1,
            "tool_code": .string(toolCode.hex), "command": .string(command.hex), "params": params,
            "inputs": .object(inputs.mapValues { .string($0.hex) }),
        ]
        if spec.tools[s.tool]!.precisionInKey { material["precision"] = .string(try stagePrecision(s)) }
        let key = try Digest.of(canonical: .object(material))
        return .known(KeyParts(toolCode: toolCode, command: command, params: params, paramsDigest: paramsDigest, inputs: inputs, key: key))
    }

    /// The matrix-product precision a stage of a `precision_in_key` tool runs with on this CPU: its
    /// `--precision` argument (default auto) resolved by the rule the stages apply.
    func stagePrecision(_ s: StageSpec) throws -> String {
        var request = "auto"
        for (i, a) in s.args.enumerated() {
            if a == "--precision", i + 1 < s.args.count { request = s.args[i + 1] }
            else if a.hasPrefix("--precision=") { request = String(a.dropFirst("--precision=".count)) }
        }
        guard let p = resolvedMatmulPrecision(request: request, cpuinfo: cpuInfo) else {
            throw SpecError(problems: ["pipeline.json: stages.\(s.name).args: --precision must be auto, fp32 or bf16, not '\(request)'"])
        }
        return p
    }

    /// Why a stage whose key is `parts.key` differs from its lock entry, in words.
    func reasons(_ name: String, parts: KeyParts, entry: LockEntry, profile: String) -> [String] {
        let s = spec.stages[name]!
        var r: [String] = []
        if parts.toolCode != entry.toolCode { r.append("code of tool \(s.tool) changed") }
        if parts.command != entry.command { r.append("command (exec, args or outputs) changed") }
        if parts.paramsDigest != entry.params {
            var text = "params changed"
            if let m = try? Manifest(json: store.getJSON(entry.manifest)) {
                let changes = paramChanges(m.params, parts.params)
                if !changes.isEmpty { text += ": " + changes.prefix(6).joined(separator: ", ") + (changes.count > 6 ? ", …" : "") }
            }
            if entry.profile != profile { text += " (last run used profile \(entry.profile), this is \(profile))" }
            r.append(text)
        }
        for n in Set(parts.inputs.keys).union(entry.inputs.keys).sorted() where parts.inputs[n] != entry.inputs[n] {
            let src = s.inputs[n].map { " (\($0))" } ?? ""
            if entry.inputs[n] == nil { r.append("new input \(n)\(src)") }
            else if parts.inputs[n] == nil { r.append("input \(n) removed") }
            else { r.append("input \(n) changed\(src)") }
        }
        if r.isEmpty {
            r.append(spec.tools[s.tool]?.precisionInKey == true
                     ? "key changed (the matrix-product precision on this CPU, \((try? stagePrecision(s)) ?? "?"), differs from the last run's)"
                     : "key changed")
        }
        return r
    }
}

/// "a.b: 1 → 2" for each leaf that differs between two parameter objects.
func paramChanges(_ old: JSONValue, _ new: JSONValue) -> [String] {
    var a: [String: String] = [:], b: [String: String] = [:]
    flatten(old, "", &a)
    flatten(new, "", &b)
    return Set(a.keys).union(b.keys).sorted().compactMap { k in
        a[k] == b[k] ? nil : "\(k): \(a[k] ?? "(none)") → \(b[k] ?? "(none)")"
    }
}

func flatten(_ v: JSONValue, _ prefix: String, _ into: inout [String: String]) {
    if case .object(let o) = v, !o.isEmpty {
        for (k, x) in o { flatten(x, prefix.isEmpty ? k : prefix + "." + k, &into) }
    } else {
        into[prefix.isEmpty ? "(value)" : prefix] = (try? CanonicalJSON.string(v)) ?? "?"
    }
}
