// `pipeline dag` and `pipeline show`: the graph in dependency order, and everything known about
// one stage instance (definition, resolved parameters, key, inputs, outputs with their payload
// kinds, metrics, and the manifest of its last run).
import Artifacts
import Foundation
import JSONText

extension Workspace {
    /// One line per stage in dependency order: the stage, its tool, and where its inputs come from.
    public func dagText() -> String {
        var lines: [String] = []
        for name in spec.order {
            let s = spec.stages[name]!
            lines.append("\(name)  [\(s.tool)] → \(s.outputs.keys.sorted().joined(separator: ", "))")
            for (inName, src) in s.inputs.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(inName) ← \(src)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A report on the stages matching `target`.
    public func show(_ target: String, profile: String) throws -> String {
        let names = try spec.closure(of: [target]).filter { spec.matching(target).contains($0) }
        let statuses = Dictionary(uniqueKeysWithValues: try status(profile: profile, targets: [target]).map { ($0.stage, $0) })
        let lock = try lock()
        var out: [String] = []
        for name in names {
            let s = spec.stages[name]!
            let st = statuses[name]!
            out.append("\(name)")
            out.append("  status:  \(st.state.rawValue)\(st.reasons.isEmpty ? "" : " — " + st.reasons.joined(separator: "; "))")
            out.append("  key:     \(st.key?.hex ?? "(unknown until upstream runs)")")
            out.append("  tool:    \(s.tool) (\(spec.tools[s.tool]!.exec))")
            out.append("  args:    \(s.args.joined(separator: " "))")
            if let resolved = try? resolveParams(s.params, profile: profile, stage: name) {
                out.append("  params (\(profile)): \((try? CanonicalJSON.string(resolved)) ?? "?")\(s.paramsFile.map { "  from \($0)" } ?? "")")
            }
            for (inName, src) in s.inputs.sorted(by: { $0.key < $1.key }) {
                out.append("  input   \(inName) ← \(src)\(lock.stages[name]?.inputs[inName].map { "  \($0.short)" } ?? "")")
            }
            guard let entry = lock.stages[name] else { out.append("  (never run)"); continue }
            for (o, d) in entry.outputs.sorted(by: { $0.key < $1.key }) {
                out.append("  output  \(o) (\(s.outputs[o] ?? "?"))  \(d.hex)  \(describeObject(d))")
            }
            for (m, v) in entry.metrics.sorted(by: { $0.key < $1.key }) { out.append("  metric  \(m) = \(v)") }
            if let m = try? Manifest(json: store.getJSON(entry.manifest)) {
                out.append("  last run: \(String(format: "%.2f", m.wallSeconds)) s wall, peak memory \(m.peakMemoryBytes / 1_048_576) MiB, profile \(m.profile), manifest \(entry.manifest.short)\(m.log.map { ", log object \($0.short)" } ?? "")")
            } else {
                out.append("  manifest \(entry.manifest.hex) is not in the local store")
            }
        }
        return out.joined(separator: "\n")
    }

    /// "12.3 MiB, tensor bundle …" or why the object cannot be read.
    func describeObject(_ d: Digest) -> String {
        guard store.contains(d) else { return "(not in the local store)" }
        var head: [UInt8] = []
        var size = 0
        do {
            try store.read(d) { chunk in
                if head.count < 1 << 20 { head.append(contentsOf: chunk.prefix((1 << 20) - head.count)) }
                size += chunk.count
            }
        } catch { return "(unreadable: \(error))" }
        let kind = PayloadKind.detect(head)
        return String(format: "%.1f KiB, ", Double(size) / 1024) + "\(kind)"
    }
}
