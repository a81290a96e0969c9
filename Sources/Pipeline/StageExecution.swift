// Running one stage: a private work directory under artifacts/tmp/ with its inputs decompressed
// into in/, its outputs expected in out/, params.json and metrics.json; the argv with its
// placeholders substituted; then, after exit 0, every declared output checked and ingested,
// the manifest and run index written. The work directory is removed whatever happens;
// $GRAFT_CHECKPOINTS (artifacts/checkpoints/<key>) is kept until the stage succeeds.
import Artifacts
import Foundation
import JSONText
import Support

extension Workspace {
    /// Runs `name`; returns its new lock entry, or nil when the run was interrupted.
    func execute(_ name: String, parts: KeyParts, profile: String, control: RunControl,
                 log: @escaping @Sendable (String) -> Void) throws -> LockEntry? {
        let stage = spec.stages[name]!
        let tool = spec.tools[stage.tool]!
        guard let exec = resolveExecutable(tool.exec, root: root) else { throw RunError("executable \(tool.exec) is missing") }
        let work = try store.makeTempDirectory(name)
        defer { removeTree(work) }
        for dir in ["in", "out"] { try FileManager.default.createDirectory(atPath: "\(work)/\(dir)", withIntermediateDirectories: false) }

        // Inputs: repository files by their path, upstream outputs decompressed (and verified).
        var inputPaths: [String: String] = [:]
        var manifestInputs: [String: (hash: Digest, source: String)] = [:]
        for (inName, source) in stage.inputs {
            let hash = parts.inputs[inName]!
            manifestInputs[inName] = (hash, source.description)
            switch source {
            case .file(let path):
                inputPaths[inName] = root + "/" + path
            case .output(let up, let out):
                let dir = "\(work)/in/\(inName)"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
                let file = "\(dir)/\(spec.stages[up]!.outputs[out]!)"
                try store.extract(hash, to: file)
                chmod(file, 0o444)
                inputPaths[inName] = file
            }
        }
        let outputPaths = stage.outputs.mapValues { "\(work)/out/\($0)" }
        let paramsPath = "\(work)/params.json"
        let metricsPath = "\(work)/metrics.json"
        try writeFileAtomically(paramsPath, bytes: CanonicalJSON.encode(parts.params))
        let args = substitute(stage.args, inputs: inputPaths, outputs: outputPaths, params: parts.params, paramsPath: paramsPath)

        var env = ProcessInfo.processInfo.environment
        env["GRAFT_STAGE"] = name
        env["GRAFT_PARAMS"] = paramsPath
        env["GRAFT_METRICS"] = metricsPath
        env["GRAFT_PROFILE"] = profile
        env["GRAFT_ROOT"] = root
        // Checkpoints survive a failed or interrupted attempt (a rerun of the same key resumes
        // from them) and are removed once the stage's outputs are in the store.
        let checkpoints = "\(store.root)/checkpoints/\(parts.key.hex)"
        env["GRAFT_CHECKPOINTS"] = checkpoints

        // The log of the latest attempt stays in artifacts/logs/ (also after a failure).
        let logsDir = store.root + "/logs"
        try FileManager.default.createDirectory(atPath: logsDir, withIntermediateDirectories: true)
        let logPath = "\(logsDir)/\(name.replacingOccurrences(of: "/", with: "__")).log"
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard logFD >= 0 else { throw RunError("cannot create \(logPath): \(String(cString: strerror(errno)))") }
        defer { close(logFD) }

        let started = monotonicSeconds()
        let child = try ChildProcess(path: exec, args: args, environment: env, directory: work, prefix: "\(name) | ",
                                     logFD: logFD, emit: log)
        let accepted = control.register(name, child)
        let exit = child.wait()
        control.unregister(name)
        let wall = monotonicSeconds() - started
        if !accepted || control.isCancelled { return nil }
        guard exit.succeeded else { throw RunError("\(exit.description) (log: \(logPath))") }

        var missing: [String] = []
        for (out, path) in outputPaths.sorted(by: { $0.key < $1.key }) {
            var st = stat()
            if lstat(path, &st) != 0 { missing.append("\(out) (no file \(stage.outputs[out]!) was written)") }
            else if st.st_mode & S_IFMT != S_IFREG { missing.append("\(out) (\(stage.outputs[out]!) is not a regular file)") }
        }
        if !missing.isEmpty { throw RunError("exited 0 but did not write declared output(s): \(missing.joined(separator: ", ")) (log: \(logPath))") }
        let metrics = try readMetrics(metricsPath)

        var outputs: [String: Digest] = [:]
        for (out, path) in outputPaths { outputs[out] = try store.put(file: path) }
        if control.isCancelled { return nil }
        let logDigest = try store.put(file: logPath)
        let manifest = Manifest(stage: name, key: parts.key, profile: profile, params: parts.params, inputs: manifestInputs,
                                outputs: outputs, tool: tool.name, toolExec: tool.exec, toolCode: parts.toolCode,
                                wallSeconds: wall, peakMemoryBytes: exit.peakMemoryBytes, metrics: metrics, log: logDigest)
        let manifestDigest = try RunIndex(store: store).record(manifest)
        removeTree(checkpoints)
        return LockEntry(key: parts.key, profile: profile, toolCode: parts.toolCode, command: parts.command,
                         params: parts.paramsDigest, inputs: parts.inputs, outputs: outputs, manifest: manifestDigest, metrics: metrics)
    }
}

/// The headline metrics a stage wrote to $GRAFT_METRICS: a flat JSON object name → number.
func readMetrics(_ path: String) throws -> [String: Double] {
    guard let data = FileManager.default.contents(atPath: path) else { return [:] }
    let v: JSONValue
    do { v = try parseJSON(bytes: Array(data)) } catch {
        throw RunError("$GRAFT_METRICS file is not JSON: \(error)")
    }
    guard let o = v.objectValue else { throw RunError("$GRAFT_METRICS must hold a flat JSON object of name → number, found \(v.kindName)") }
    var r: [String: Double] = [:]
    var bad: [String] = []
    for (k, x) in o {
        if let d = x.doubleValue { r[k] = d } else { bad.append("\(k) is \(x.kindName)") }
    }
    if !bad.isEmpty { throw RunError("$GRAFT_METRICS values must be numbers: \(bad.sorted().joined(separator: ", "))") }
    return r
}
