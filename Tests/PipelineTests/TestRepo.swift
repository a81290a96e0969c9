// A tiny repository for the runner's tests: shell-script tools in a temp dir, a pipeline.json
// built from Swift values, helpers to run the `pipeline` executable as a child process, and a
// per-repo record of which stages actually executed (each tool appends to runs.txt).
import Artifacts
import Foundation
import JSONText
@testable import Pipeline

struct TestRepo {
    let root: String

    /// gen: writes `count` lines derived from the seed param to {out.data}, metrics {count}.
    /// square: reads {in.data}, writes a transformed file. report: concatenates two inputs.
    init(_ label: String = "repo") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("graft-\(label)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root + "/tools", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/stages", withIntermediateDirectories: true)
        try write("tools/gen.sh", """
            #!/bin/sh
            set -e
            echo "gen/$GRAFT_STAGE" >> "$GRAFT_ROOT/runs.txt"
            echo "generating $2 lines, offset $4"
            i=0; : > "$6"
            while [ $i -lt "$2" ]; do echo $((i + $4)) >> "$6"; i=$((i + 1)); done
            echo "{\\"count\\": $2, \\"offset\\": $4}" > "$GRAFT_METRICS"
            """, executable: true)
        try write("tools/mod.sh", """
            #!/bin/sh
            set -e
            echo "mod/$GRAFT_STAGE" >> "$GRAFT_ROOT/runs.txt"
            awk -v m="$3" '{ print $1 % m }' "$1" > "$2"
            """, executable: true)
        try write("tools/cat.sh", """
            #!/bin/sh
            set -e
            echo "cat/$GRAFT_STAGE" >> "$GRAFT_ROOT/runs.txt"
            out="$1"; shift
            cat "$@" > "$out"
            """, executable: true)
        try write("stages/note.txt", "a note\n")
        try writeSpec(Self.standardSpec(offset: 0, modulus: 1000))
    }

    /// gen/a → mod/a → report ← stages/note.txt.
    static func standardSpec(offset: Int, modulus: Int, genCount: JSONValue = 5) -> JSONValue {
        [
            "format": "graft-pipeline", "version": 1,
            "tools": [
                "gen": ["exec": "tools/gen.sh", "code": ["tools/gen.sh"]],
                "mod": ["exec": "tools/mod.sh", "code": ["tools/mod.sh"]],
                "cat": ["exec": "tools/cat.sh", "code": ["tools/cat.sh"]],
            ],
            "stages": [
                "gen/a": ["tool": "gen", "args": ["-n", "{param.count}", "-o", "{param.offset}", "--out", "{out.data}"],
                          "params": ["count": genCount, "offset": .int(Int64(offset))], "outputs": ["data"]],
                "mod/a": ["tool": "mod", "args": ["{in.data}", "{out.mod}", "{param.m}"], "params": ["m": .int(Int64(modulus))],
                          "inputs": ["data": "gen/a:data"], "outputs": ["mod": "mod.txt"]],
                "report": ["tool": "cat", "args": ["{out.report}", "{in.mod}", "{in.note}"],
                           "inputs": ["mod": "mod/a:mod", "note": "stages/note.txt"], "outputs": ["report"]],
            ],
        ]
    }

    func write(_ path: String, _ text: String, executable: Bool = false) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        if executable { chmod(full, 0o755) }
    }

    func writeSpec(_ v: JSONValue) throws {
        try write("pipeline.json", String(decoding: try CanonicalJSON.pretty(v), as: UTF8.self))
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? "" }

    /// Stage names executed since the last call (and clears the record).
    func executed() -> [String] {
        let lines = read("runs.txt").split(separator: "\n").map { String($0.split(separator: "/", maxSplits: 1)[1]) }
        unlink(root + "/runs.txt")
        return lines.sorted()
    }

    func workspace() throws -> Workspace { try Workspace(root: root) }

    @discardableResult
    func run(_ targets: [String] = [], force: Bool = false, profile: String = "default", jobs: Int = 1,
             keepGoing: Bool = false) throws -> RunSummary {
        var o = RunOptions()
        o.targets = targets; o.force = force; o.profile = profile; o.jobs = jobs; o.keepGoing = keepGoing
        let lines = LineLog()
        let s = try workspace().run(o, log: lines.append)
        return s
    }

    func lock() throws -> LockFile { try LockFile.load(root: root) }

    /// Flips one bit near the end of a stored object (inside its zstd frame), in place, and
    /// returns the object's path: the corruption a disk or a stray write leaves behind.
    @discardableResult
    func corruptObject(_ digest: Digest) throws -> String {
        let path = try workspace().store.objectPath(digest)
        chmod(path, 0o644)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 6] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func objectsOnDisk() -> Set<String> {
        Set(((try? FileManager.default.subpathsOfDirectory(atPath: root + "/artifacts/objects")) ?? []).filter { $0.hasSuffix(".zst") })
    }

    func tmpEntries() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: root + "/artifacts/tmp")) ?? [] }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var lines: [String] = []
    @Sendable func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
}

/// The `pipeline` executable built beside the test bundle.
func pipelineBinary() -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    while !FileManager.default.isExecutableFile(atPath: dir + "/pipeline") && dir != "/" { dir = (dir as NSString).deletingLastPathComponent }
    return dir + "/pipeline"
}

/// A started `pipeline` (or shell) process with its output captured to a file.
final class Spawned {
    let process = Process()
    let outputPath: String

    init(_ executable: String, _ args: [String], cwd: String) throws {
        outputPath = cwd + "/.spawn-\(UUID()).out"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = FileHandle(forWritingAtPath: outputPath)!
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for exit; returns the status, or nil on time-out.
    func wait(seconds: Double = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline { if condition() { return true }; usleep(20_000) }
    return condition()
}

/// Runs the pipeline binary to completion.
func runPipeline(_ args: [String], in root: String) throws -> (Int32, String) {
    let s = try Spawned(pipelineBinary(), args, cwd: root)
    let code = s.wait(seconds: 120) ?? -1
    return (code, s.output)
}
