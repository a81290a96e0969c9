// bench-store: figures for docs/pipeline.md (release build; prints, asserts nothing).
//   1. `pipeline status` wall time on an up-to-date pipeline of 50 stages whose outputs total
//      ≥ 1 GiB (the real executable, run as a child process; median of several runs).
//   2. Store write and read throughput (MB/s of uncompressed payload) for a 500 MB tensor bundle
//      in the safetensors layout, beside `zstd -3` and `sha256sum` on the same file.
// Usage: bench-store [--pipeline PATH] [--skip-status] [--skip-store] [--mb 500]
import Artifacts
import Foundation
import JSONText
import Pipeline
import SafeTensors
import Support

let args = CommandLine.arguments
func option(_ name: String) -> String? { args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } }
let executableDir = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? args[0]) as NSString
let pipelineExe = option("--pipeline") ?? executableDir.deletingLastPathComponent + "/pipeline"
let payloadMB = Int(option("--mb") ?? "500")!
// Child mode: store one file and read it back, then print this process's peak RSS.
if let file = option("--rss-of") {
    let store = try Store(root: file + ".rss-store")
    let d = try store.put(file: file)
    try store.extract(d, to: file + ".rss-out")
    print(String(format: "%.1f", Double(peakResidentBytes()) / 1_048_576))
    unlink(file + ".rss-out")
    try? FileManager.default.removeItem(atPath: file + ".rss-store")
    exit(0)
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("graft-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

/// Runs a command; returns wall seconds (the command's output is discarded unless `output` is given).
@discardableResult
func timed(_ exe: String, _ arguments: [String], cwd: String = scratch, output: String? = nil) throws -> (Double, Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: cwd)
    if let output {
        FileManager.default.createFile(atPath: output, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: output)
    } else { p.standardOutput = FileHandle.nullDevice }
    p.standardError = FileHandle.nullDevice
    let t0 = monotonicSeconds()
    try p.run()
    p.waitUntilExit()
    return (monotonicSeconds() - t0, p.terminationStatus)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

print("bench-store on \(ProcessInfo.processInfo.activeProcessorCount) cores; pipeline = \(pipelineExe)")

// MARK: - 1. status on 50 up-to-date stages with ≥ 1 GiB of outputs

if !args.contains("--skip-status") {
    let root = scratch + "/repo"
    try FileManager.default.createDirectory(atPath: root + "/tools", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root + "/stages", withIntermediateDirectories: true)
    let tool = root + "/tools/blob.sh"
    try Data("#!/bin/sh\n# writes $2 bytes of random data to $1\nhead -c \"$2\" /dev/urandom > \"$1\"\ncat \"$3\" >> \"$1\"\n".utf8)
        .write(to: URL(fileURLWithPath: tool))
    chmod(tool, 0o755)
    let bytesPerStage = (1 << 30) / 50 + 1_000_000
    var stages: [String: JSONValue] = [:]
    for i in 0..<50 {
        try Data("stage \(i) settings\n".utf8).write(to: URL(fileURLWithPath: "\(root)/stages/s\(i).txt"))
        var inputs: [String: JSONValue] = ["cfg": .string("stages/s\(i).txt")]
        if i % 5 != 0 { inputs["prev"] = .string("blob/\(i - 1):data") }   // chains of five
        stages["blob/\(i)"] = ["tool": "blob", "args": ["{out.data}", "{param.bytes}", "{in.cfg}"],
                               "params": ["bytes": .int(Int64(bytesPerStage))], "inputs": .object(inputs), "outputs": ["data"]]
    }
    let spec: JSONValue = ["format": "graft-pipeline", "version": 1,
                           "tools": ["blob": ["exec": "tools/blob.sh", "code": ["tools/blob.sh"]]], "stages": .object(stages)]
    try Data(try CanonicalJSON.pretty(spec)).write(to: URL(fileURLWithPath: root + "/pipeline.json"))
    let (runSeconds, rc) = try timed(pipelineExe, ["run", "--jobs", "2"], cwd: root)
    guard rc == 0 else { fatalError("pipeline run failed in \(root)") }
    let ws = try Workspace(root: root)
    let total = try ws.lock().stages.values.flatMap(\.outputs.values).count * bytesPerStage   // each output: bytesPerStage + a short line
    print(String(format: "setup: pipeline run of 50 stages, %.2f GiB of outputs: %.1f s", Double(total) / Double(1 << 30), runSeconds))
    sleep(3)                                    // past the stat cache's 2 s racy window
    try timed(pipelineExe, ["status"], cwd: root)   // fills the stat cache
    var times: [Double] = []
    for _ in 0..<11 {
        let (t, code) = try timed(pipelineExe, ["status"], cwd: root)
        guard code == 0 else { fatalError("status says not fresh") }
        times.append(t)
    }
    print(String(format: "pipeline status, 50 fresh stages: median %.1f ms, min %.1f ms, max %.1f ms (11 runs, child process)",
                 median(times) * 1000, times.min()! * 1000, times.max()! * 1000))
    var inProcess: [Double] = []
    for _ in 0..<11 {
        let t0 = monotonicSeconds()
        _ = try Workspace(root: root).status(profile: "default")
        inProcess.append(monotonicSeconds() - t0)
    }
    print(String(format: "Workspace.status in process: median %.1f ms", median(inProcess) * 1000))
    try? FileManager.default.removeItem(atPath: root)
}

// MARK: - 2. store throughput on a 500 MB tensor bundle

if !args.contains("--skip-store") {
    let file = scratch + "/bundle.safetensors"
    do {
        // Float32 "weights": random sign and mantissa, exponents in a narrow band, like trained weights.
        var rng = SeededRNG(seed: 42)
        var writer = SafeTensorsWriter(metadata: ["format": "graft-bench-bundle", "version": "1"])
        let perTensor = 25 << 20
        for t in 0..<max(payloadMB * 1_000_000 / perTensor, 1) {
            var bytes = [UInt8](repeating: 0, count: perTensor)
            bytes.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt32.self)
                for i in 0..<words.count {
                    let r = rng.next()
                    words[i] = UInt32(truncatingIfNeeded: r & 0x807F_FFFF) | (UInt32(0x3A + (r >> 40) % 6) << 23)
                }
            }
            try writer.add("layer\(t).weight", dtype: .f32, shape: [perTensor / 4], bytes: bytes)
        }
        try Data(writer.encode()).write(to: URL(fileURLWithPath: file))
    }
    let size = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as! NSNumber).intValue)
    let mb = size / 1e6
    print(String(format: "payload: %.0f MB tensor bundle (safetensors layout, float32)", mb))
    _ = try hashFile(file)                      // page cache warm for everyone

    for workers: Int32 in [0, 2] {
        var store = try Store(root: scratch + "/store-\(workers)")
        store.compression = CompressionSettings(level: 3, workers: workers)
        let t0 = monotonicSeconds()
        let d = try store.put(file: file)
        let tw = monotonicSeconds() - t0
        let stored = Double((try FileManager.default.attributesOfItem(atPath: store.objectPath(d))[.size] as! NSNumber).intValue)
        let t1 = monotonicSeconds()
        try store.read(d) { _ in }
        let tr = monotonicSeconds() - t1
        let t2 = monotonicSeconds()
        try store.extract(d, to: scratch + "/extracted")
        let te = monotonicSeconds() - t2
        unlink(scratch + "/extracted")
        print(String(format: "graft store, level 3, %d zstd workers: write (hash+compress+fsync) %.0f MB/s, read+verify %.0f MB/s, extract to file %.0f MB/s, ratio %.3f",
                     workers, mb / tw, mb / tr, mb / te, stored / size))
        try? FileManager.default.removeItem(atPath: store.root)
    }
    let rssOut = scratch + "/rss.txt"
    try timed(executableDir as String, ["--rss-of", file], output: rssOut)
    let rss = (try? String(contentsOfFile: rssOut, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    print("peak RSS of a process that stores the \(Int(mb)) MB file and extracts it again: \(rss) MiB (streaming: no payload-sized buffers)")
    let (tz, _) = try timed("/usr/bin/zstd", ["-3", "-q", "-f", "-T1", file, "-o", scratch + "/z.zst"])
    let (tzT, _) = try timed("/usr/bin/zstd", ["-3", "-q", "-f", "-T2", file, "-o", scratch + "/z.zst"])
    let (td, _) = try timed("/usr/bin/zstd", ["-d", "-q", "-c", scratch + "/z.zst"], output: "/dev/null")
    let (ts, _) = try timed("/usr/bin/sha256sum", [file])
    print(String(format: "zstd -3 -T1: %.0f MB/s   zstd -3 -T2: %.0f MB/s   zstd -d to /dev/null: %.0f MB/s   sha256sum: %.0f MB/s",
                 mb / tz, mb / tzT, mb / td, mb / ts))
}
