// Which OpenBLAS kernel set suits this CPU (DESIGN §4a). Debian's OpenBLAS 0.3.21 guesses its
// kernels from the CPU model and falls back to Prescott (SSE3) on models it does not know, such as
// Intel's Emerald Rapids: 4–5× slower matmuls. It reads OPENBLAS_CORETYPE once, when it loads, so
// the choice has to be made before the process starts: `chooseOpenBLASCore` (below) re-executes
// the program with the variable set, after the pure part: CPU flags → kernel set → decision.
// Compiled for the baseline like BuildCPU.swift, so it runs on any x86-64.
import Foundation

/// How wide the vector units an OpenBLAS kernel set uses are; a higher class is faster on a CPU that has it.
public enum BLASCoreClass: Int, Comparable, Sendable, CustomStringConvertible {
    case older = 0          // SSE-era kernels (Prescott, Core2, Nehalem, Sandybridge, Atom, …)
    case avx2 = 1           // Haswell, Zen
    case avx512 = 2         // SkylakeX
    case avx512bf16 = 3     // Cooperlake, SapphireRapids
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .older: return "pre-AVX2"
        case .avx2: return "AVX2"
        case .avx512: return "AVX-512"
        case .avx512bf16: return "AVX-512 with BF16"
        }
    }
}

/// The class of an OpenBLAS core name as `openblas_get_corename()` reports it (case-insensitive).
public func openBLASCoreClass(_ name: String) -> BLASCoreClass {
    switch name.lowercased() {
    case "haswell", "zen": return .avx2
    case "skylakex": return .avx512
    case "cooperlake", "sapphirerapids": return .avx512bf16
    default: return .older
    }
}

/// The instruction-set flags (as /proc/cpuinfo names them) each kernel set needs.
let skylakeXFlags = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
let cooperlakeFlags = skylakeXFlags + ["avx512_bf16"]
let haswellKernelFlags = ["avx2", "fma"]

/// The kernel set graft wants on a CPU with these /proc/cpuinfo flags: Cooperlake with AVX-512 BF16
/// (measured fastest on Emerald Rapids and Zen 5, DESIGN §4a), SkylakeX with AVX-512, Haswell with
/// AVX2 + FMA; nil without a flags line or without AVX2 (OpenBLAS's own choice is kept then).
public func preferredOpenBLASCore(cpuinfo: String) -> (core: String, cls: BLASCoreClass)? {
    guard let missing = missingCPUFlags(cpuinfo: cpuinfo, required: cooperlakeFlags + haswellKernelFlags) else { return nil }
    let lacks = Set(missing)
    if lacks.isDisjoint(with: cooperlakeFlags) { return ("Cooperlake", .avx512bf16) }
    if lacks.isDisjoint(with: skylakeXFlags) { return ("SkylakeX", .avx512) }
    if lacks.isDisjoint(with: haswellKernelFlags) { return ("Haswell", .avx2) }
    return nil
}

/// What a process decided about OpenBLAS's kernels: the core in use, and why.
public struct BLASCoreDecision: Sendable, Equatable {
    public enum Action: Equatable, Sendable {
        /// OpenBLAS's own pick is at least as good as the preferred one (or nothing better is known).
        case keep
        /// The user set OPENBLAS_CORETYPE: respected as it is.
        case userSet
        /// Re-execute with OPENBLAS_CORETYPE = core.
        case reexecute(core: String)
    }
    public var action: Action
    public var reason: String
    public init(action: Action, reason: String) { self.action = action; self.reason = reason }
}

/// The decision, from the environment, the CPU flags and the core OpenBLAS picked on its own.
/// `GRAFT_BLAS_CHOICE` marks a process that graft already re-executed (its value is the reason).
public func decideOpenBLASCore(environment env: [String: String], cpuinfo: String, current: String) -> BLASCoreDecision {
    if let reason = env["GRAFT_BLAS_CHOICE"], let forced = env["OPENBLAS_CORETYPE"] {
        // Re-executed (or a child of such a process): OpenBLAS may still have refused the set.
        if openBLASCoreClass(current) < openBLASCoreClass(forced) && !reason.contains("did not take") {
            return BLASCoreDecision(action: .keep, reason: reason + "; OpenBLAS did not take \(forced) and runs \(current)")
        }
        return BLASCoreDecision(action: .keep, reason: reason)
    }
    if let user = env["OPENBLAS_CORETYPE"] {
        return BLASCoreDecision(action: .userSet, reason: "OPENBLAS_CORETYPE=\(user) set by the user, respected")
    }
    guard let want = preferredOpenBLASCore(cpuinfo: cpuinfo) else {
        return BLASCoreDecision(action: .keep, reason: "OpenBLAS's own choice: this CPU has no AVX2 + FMA, so no better kernel set is known")
    }
    if openBLASCoreClass(current) >= want.cls {
        return BLASCoreDecision(action: .keep, reason: "OpenBLAS's own choice, which already uses the CPU's \(want.cls) units")
    }
    return BLASCoreDecision(action: .reexecute(core: want.core),
                            reason: "graft chose \(want.core) for this CPU's \(want.cls) units; OpenBLAS alone picked \(current)")
}

/// Makes sure OpenBLAS runs the best kernel set for this CPU: called first thing by every program
/// that does matmuls (after `requireBuildCPU`), with the core OpenBLAS picked when it loaded. When
/// graft prefers another set and the user has not chosen one, the program re-executes itself with
/// OPENBLAS_CORETYPE set (OpenBLAS reads it only at load). The reason is left in the environment
/// variable GRAFT_BLAS_CHOICE for summaries (`blasChoiceReason`) and child processes.
public func chooseOpenBLASCore(program: String, current: String) {
    let env = ProcessInfo.processInfo.environment
    // GRAFT_CPUINFO: another CPU's /proc/cpuinfo text, for the test of the re-execution path.
    let cpuinfo = machineCPUInfo(environment: env)
    let decision = decideOpenBLASCore(environment: env, cpuinfo: cpuinfo, current: current)
    setenv("GRAFT_BLAS_CHOICE", decision.reason, 1)
    guard case .reexecute(let core) = decision.action else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    // execv returns only on failure: say so, and go on with the slower kernels.
    let why = String(cString: strerror(errno))
    unsetenv("OPENBLAS_CORETYPE")
    let reason = "re-executing with OPENBLAS_CORETYPE=\(core) failed (\(why)); OpenBLAS's \(current) kernels in use"
    setenv("GRAFT_BLAS_CHOICE", reason, 1)
    FileHandle.standardError.write(Data("\(program): warning: \(reason). Set OPENBLAS_CORETYPE=\(core) before starting graft for faster matmuls.\n".utf8))
}

/// Why the OpenBLAS kernel set in use was chosen (set by `chooseOpenBLASCore`).
public var blasChoiceReason: String {
    ProcessInfo.processInfo.environment["GRAFT_BLAS_CHOICE"] ?? "not chosen by graft (the program did not call chooseOpenBLASCore)"
}

/// The CPU's model name from /proc/cpuinfo ("model name"), or "unknown CPU".
public func cpuModelName(cpuinfo: String? = nil) -> String {
    let text = cpuinfo ?? (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
          let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
}
