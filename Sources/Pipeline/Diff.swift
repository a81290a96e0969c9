// `pipeline diff [REV_A [REV_B]]`: headline metrics and parameters of two versions side by side,
// read from pipeline.lock at each git revision (`git show REV:pipeline.lock`; no revision means
// the working tree) and from the manifests in the store. When a manifest is not in the local
// store, the report says which commit and stage would produce it.
import Artifacts
import Foundation
import JSONText

public struct DiffRow: Sendable, Equatable {
    public let stage: String
    public let kind: String          // "metric" or "param"
    public let name: String
    public let a: String?
    public let b: String?
    public let delta: Double?
}

public struct LockDiff: Sendable {
    public let labelA: String
    public let labelB: String
    public var rows: [DiffRow] = []
    public var notes: [String] = []

    public var text: String {
        var lines = ["stage / value".padding(toLength: 44, withPad: " ", startingAt: 0) + " \(labelA.padding(toLength: 16, withPad: " ", startingAt: 0)) \(labelB.padding(toLength: 16, withPad: " ", startingAt: 0)) delta"]
        var last = ""
        for r in rows {
            if r.stage != last { lines.append(r.stage); last = r.stage }
            let name = "  \(r.kind == "param" ? "param " : "")\(r.name)"
            let delta = r.delta.map { ($0 >= 0 ? "+" : "") + String(format: "%.6g", $0) } ?? (r.a == r.b ? "" : "changed")
            lines.append(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                + " \((r.a ?? "—").padding(toLength: 16, withPad: " ", startingAt: 0)) \((r.b ?? "—").padding(toLength: 16, withPad: " ", startingAt: 0)) \(delta)")
        }
        if rows.isEmpty { lines.append("(no metrics or parameters differ)") }
        return (lines + notes.map { "note: \($0)" }).joined(separator: "\n")
    }

    public var json: JSONValue {
        .object(["a": .string(labelA), "b": .string(labelB), "notes": .array(notes.map { .string($0) }),
                 "rows": .array(rows.map { r in .object([
                     "stage": .string(r.stage), "kind": .string(r.kind), "name": .string(r.name),
                     "a": r.a.map { .string($0) } ?? .null, "b": r.b.map { .string($0) } ?? .null,
                     "delta": r.delta.map { .double($0) } ?? .null]) })])
    }
}

extension Workspace {
    /// Compares pipeline.lock at `revA` (default HEAD) with `revB` (default: the working tree).
    /// `all` lists unchanged values too.
    public func diff(_ revA: String? = nil, _ revB: String? = nil, all: Bool = false) throws -> LockDiff {
        let a = try lockAt(revA ?? "HEAD"), b = try lockAt(revB)
        var d = LockDiff(labelA: a.label, labelB: b.label)
        for stage in Set(a.lock.stages.keys).union(b.lock.stages.keys).sorted() {
            let ea = a.lock.stages[stage], eb = b.lock.stages[stage]
            for m in Set(ea?.metrics.keys ?? [:].keys).union(eb?.metrics.keys ?? [:].keys).sorted() {
                let x = ea?.metrics[m], y = eb?.metrics[m]
                if x == y && !all { continue }
                d.rows.append(DiffRow(stage: stage, kind: "metric", name: m, a: x.map { String(format: "%.6g", $0) },
                                      b: y.map { String(format: "%.6g", $0) }, delta: x != nil && y != nil ? y! - x! : nil))
            }
            var pa: [String: String] = [:], pb: [String: String] = [:]
            if let ea { if let p = params(ea, stage: stage, at: a, notes: &d.notes) { flatten(p, "", &pa) } }
            if let eb { if let p = params(eb, stage: stage, at: b, notes: &d.notes) { flatten(p, "", &pb) } }
            for k in Set(pa.keys).union(pb.keys).sorted() where all || pa[k] != pb[k] {
                let x = pa[k].flatMap(Double.init), y = pb[k].flatMap(Double.init)
                d.rows.append(DiffRow(stage: stage, kind: "param", name: k, a: pa[k], b: pb[k], delta: x != nil && y != nil && x != y ? y! - x! : nil))
            }
        }
        return d
    }

    struct LockVersion { let lock: LockFile; let label: String; let commit: String? }

    func lockAt(_ rev: String?) throws -> LockVersion {
        guard let rev else { return LockVersion(lock: try lock(), label: "working tree", commit: nil) }
        let commit = try git(["rev-parse", "--verify", "--short", rev + "^{commit}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let text: String
        do { text = try git(["show", "\(rev):pipeline.lock"]) } catch {
            return LockVersion(lock: LockFile(), label: "\(rev) (\(commit), no pipeline.lock)", commit: commit)
        }
        return LockVersion(lock: try LockFile(text: text, source: "\(rev):pipeline.lock"), label: rev == commit ? commit : "\(rev) (\(commit))", commit: commit)
    }

    /// The parameters recorded in a lock entry's manifest, or a note saying how to produce it.
    func params(_ e: LockEntry, stage: String, at v: LockVersion, notes: inout [String]) -> JSONValue? {
        if let m = try? Manifest(json: store.getJSON(e.manifest)) { return m.params }
        let how = v.commit.map { "check out \($0) and run `pipeline run \(stage)`, or restore an archive made there" } ?? "run `pipeline run \(stage)`"
        notes.append("parameters of \(stage) at \(v.label): manifest \(e.manifest.short) is not in the local store; it is produced by stage \(stage) at \(v.commit.map { "commit \($0)" } ?? "the working tree") (\(how))")
        return nil
    }

    func git(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw RunError("git \(args.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
