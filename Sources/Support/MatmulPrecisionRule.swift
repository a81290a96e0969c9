// Which precision `--precision auto|fp32|bf16` resolves to on a CPU (issue 15), as a pure rule over
// /proc/cpuinfo's text: the one definition that the numeric stages (Tensor's `Precision`) and the
// pipeline runner (whose stage keys include the resolved precision of tools that declare it) share.
// Compiled for the baseline like BuildCPU.swift.
import Foundation

/// Whether a /proc/cpuinfo text lists bf16 dot-product units (AVX512_BF16 or AMX-BF16).
public func cpuHasBF16Units(cpuinfo: String) -> Bool {
    guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
          let colon = line.firstIndex(of: ":") else { return false }
    let flags = Set(line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    return flags.contains("avx512_bf16") || flags.contains("amx_bf16")
}

/// "fp32" or "bf16" for a request ("auto", "fp32" or "bf16") on a CPU; nil for another request.
public func resolvedMatmulPrecision(request: String, cpuinfo: String) -> String? {
    switch request {
    case "fp32", "bf16": return request
    case "auto": return cpuHasBF16Units(cpuinfo: cpuinfo) ? "bf16" : "fp32"
    default: return nil
    }
}

/// This machine's /proc/cpuinfo, or the file GRAFT_CPUINFO names (tests hand in other CPUs' text).
public func machineCPUInfo(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    let path = environment["GRAFT_CPUINFO"].flatMap { $0.isEmpty ? nil : $0 } ?? "/proc/cpuinfo"
    return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}
