// The CPU check for release builds whose numeric targets were compiled for AVX2 + FMA
// (Package.swift: `-target-cpu haswell` on x86-64 unless GRAFT_PORTABLE_BUILD is set). Such code
// dies with SIGILL on an older CPU, so every executable that runs numeric code calls
// `requireBuildCPU` first; this file itself is compiled for the baseline, so the check always runs.
import Foundation

/// The instruction-set extensions `-target-cpu haswell` lets the compiler use, as /proc/cpuinfo names them.
public let haswellCPUFlags = ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm", "popcnt"]

/// True when this build's numeric targets were compiled for AVX2 + FMA.
public var buildTargetsAVX2: Bool {
    #if GRAFT_AVX2_BUILD
    return true
    #else
    return false
    #endif
}

/// The flags of `required` missing from the first "flags" line of a /proc/cpuinfo text, in order;
/// nil when the text has no flags line (not Linux on x86, or an unreadable file).
public func missingCPUFlags(cpuinfo: String, required: [String] = haswellCPUFlags) -> [String]? {
    guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
          let colon = line.firstIndex(of: ":") else { return nil }
    let present = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    return required.filter { !present.contains($0) }
}

/// The error for a CPU that lacks what the build needs, naming the flags and the way out.
public func buildCPUMessage(program: String, missing: [String]) -> String {
    "\(program): this build of graft was compiled for x86-64 CPUs with AVX2 and FMA (-target-cpu haswell), "
        + "and this CPU lacks \(missing.joined(separator: ", ")). Rebuild for the baseline x86-64 instruction set: "
        + "rm -rf .build && GRAFT_PORTABLE_BUILD=1 swift build -c release (about 13 % slower training)."
}

/// Exits with status 70 and `buildCPUMessage` when the numeric code of this build cannot run here.
public func requireBuildCPU(program: String) {
    guard buildTargetsAVX2, let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let missing = missingCPUFlags(cpuinfo: text), !missing.isEmpty else { return }
    FileHandle.standardError.write(Data((buildCPUMessage(program: program, missing: missing) + "\n").utf8))
    exit(70)
}
