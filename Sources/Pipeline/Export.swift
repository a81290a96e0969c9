// `pipeline export`: the recorded outputs of stage instances as plain files (decompressed and
// hash-verified), e.g. the report for docs/results/. Like `dvc get` for one's own store: the
// files are the ones pipeline.lock names, and a stale stage is refused unless asked for.
import Artifacts
import Foundation
import Support

public struct ExportError: Error, CustomStringConvertible {
    public let description: String
}

extension Workspace {
    /// Writes every output of the stages matching `target` into `directory` under the file name
    /// pipeline.json gives it (one stage) or `<stage>/<file name>` (several; '/' in a stage name
    /// becomes a folder). `outputs` limits which ones. Returns one line per file written.
    public func export(_ target: String, to directory: String, outputs: [String] = [], profile: String,
                       allowStale: Bool = false) throws -> [String] {
        let names = spec.matching(target)
        guard !names.isEmpty else { throw ExportError(description: "no stage instance matches '\(target)' (see `pipeline dag`)") }
        let statuses = Dictionary(uniqueKeysWithValues: try status(profile: profile, targets: [target]).map { ($0.stage, $0) })
        let lock = try lock()
        var problems: [String] = []
        var plan: [(stage: String, output: String, file: String, digest: Digest)] = []
        for name in names {
            let s = spec.stages[name]!
            guard let entry = lock.stages[name] else { problems.append("\(name) has never run: `pipeline run \(name)` first"); continue }
            if let st = statuses[name], st.state != .fresh, !allowStale {
                problems.append("\(name) is \(st.state.rawValue) (\(st.reasons.joined(separator: "; "))): `pipeline run \(name)` first, or pass --allow-stale for the recorded outputs")
                continue
            }
            for o in outputs where s.outputs[o] == nil {
                problems.append("\(name) has no output '\(o)'; it has \(s.outputs.keys.sorted().joined(separator: ", "))")
            }
            for (o, file) in s.outputs.sorted(by: { $0.key < $1.key }) where outputs.isEmpty || outputs.contains(o) {
                guard let d = entry.outputs[o] else { problems.append("\(name): pipeline.lock records no output '\(o)'"); continue }
                guard store.contains(d) else {
                    problems.append("\(name): output '\(o)' (\(d.short)) is not in the local store: `pipeline run \(name)` or `pipeline restore` an archive")
                    continue
                }
                plan.append((name, o, names.count == 1 ? file : name + "/" + file, d))
            }
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), !isFolder.boolValue {
            problems.append("--to \(directory) is a file; export writes into a folder (give a new or existing folder's path)")
        }
        guard problems.isEmpty else { throw ExportError(description: "cannot export:\n  " + problems.joined(separator: "\n  ")) }
        var written: [String] = []
        for item in plan {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(item.file).path
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw ExportError(description: "cannot create the folder \(folder) for \(item.stage):\(item.output): \(error.localizedDescription)")
            }
            var size = 0
            try writeFileAtomically(path) { write in
                try store.read(item.digest) { chunk in size += chunk.count; try write(chunk) }
            }
            written.append("\(item.stage):\(item.output) \(item.digest.short) → \(path) (\(size) bytes)")
        }
        return written
    }
}
