// The OpenBLAS kernel choice: CPU flags → kernel set, the decision against what OpenBLAS picked and
// what the user set, and, for real, that `graft-lm blas` on this machine runs kernels as wide as
// the CPU allows (on an AVX-512 CPU never a Prescott/Nehalem/Sandybridge-class set).
import Foundation
import Support
import Testing

@Suite struct OpenBLASCoreTests {
    static let emeraldRapids = "model name\t: INTEL(R) XEON(R) PLATINUM 8581C\nflags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16 avx512_fp16 amx_bf16\n"
    static let skylake = "flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl\n"
    static let zen3 = "model name\t: AMD EPYC\nflags\t\t: fpu sse sse2 avx avx2 fma f16c bmi1 bmi2\n"
    static let sandyBridge = "flags\t\t: fpu sse sse2 avx popcnt\n"

    @Test func theWidestKernelSetTheCPUCanRun() {
        #expect(preferredOpenBLASCore(cpuinfo: Self.emeraldRapids)?.core == "Cooperlake")
        #expect(preferredOpenBLASCore(cpuinfo: Self.skylake)?.core == "SkylakeX")
        #expect(preferredOpenBLASCore(cpuinfo: Self.zen3)?.core == "Haswell")
        #expect(preferredOpenBLASCore(cpuinfo: Self.sandyBridge) == nil)
        #expect(preferredOpenBLASCore(cpuinfo: "") == nil)
        // AVX-512 BF16 without the rest of AVX-512 is not enough for Cooperlake's kernels.
        #expect(preferredOpenBLASCore(cpuinfo: "flags : avx2 fma avx512f avx512_bf16\n")?.core == "Haswell")
    }

    @Test func coreNamesHaveClasses() {
        #expect(openBLASCoreClass("Prescott") == .older)
        #expect(openBLASCoreClass("Sandybridge") == .older)
        #expect(openBLASCoreClass("ZEN") == .avx2)
        #expect(openBLASCoreClass("Haswell") == .avx2)
        #expect(openBLASCoreClass("SkylakeX") == .avx512)
        #expect(openBLASCoreClass("Cooperlake") == .avx512bf16)
        #expect(BLASCoreClass.older < .avx2 && .avx2 < .avx512 && .avx512 < .avx512bf16)
    }

    @Test func prescottOnEmeraldRapidsIsReplaced() {
        let d = decideOpenBLASCore(environment: [:], cpuinfo: Self.emeraldRapids, current: "Prescott")
        #expect(d.action == .reexecute(core: "Cooperlake"))
        #expect(d.reason.contains("Prescott") && d.reason.contains("Cooperlake"))
    }

    @Test func aGoodEnoughChoiceIsKept() {
        // OpenBLAS's "Zen" runs the Haswell kernels: no re-execution on Zen 3.
        #expect(decideOpenBLASCore(environment: [:], cpuinfo: Self.zen3, current: "Zen").action == .keep)
        #expect(decideOpenBLASCore(environment: [:], cpuinfo: Self.skylake, current: "SkylakeX").action == .keep)
        #expect(decideOpenBLASCore(environment: [:], cpuinfo: Self.sandyBridge, current: "Sandybridge").action == .keep)
    }

    @Test func aRefusedForcedSetIsReported() {
        let d = decideOpenBLASCore(environment: ["OPENBLAS_CORETYPE": "Cooperlake", "GRAFT_BLAS_CHOICE": "graft chose Cooperlake"],
                                   cpuinfo: Self.emeraldRapids, current: "Haswell")
        #expect(d == BLASCoreDecision(action: .keep, reason: "graft chose Cooperlake; OpenBLAS did not take Cooperlake and runs Haswell"))
    }

    @Test func theUsersChoiceIsRespectedAndAReexecutedProcessDoesNotLoop() {
        let user = decideOpenBLASCore(environment: ["OPENBLAS_CORETYPE": "Haswell"], cpuinfo: Self.emeraldRapids, current: "Haswell")
        #expect(user.action == .userSet)
        #expect(user.reason.contains("OPENBLAS_CORETYPE=Haswell"))
        let again = decideOpenBLASCore(environment: ["OPENBLAS_CORETYPE": "Cooperlake", "GRAFT_BLAS_CHOICE": "graft chose Cooperlake"],
                                       cpuinfo: Self.emeraldRapids, current: "Cooperlake")
        #expect(again == BLASCoreDecision(action: .keep, reason: "graft chose Cooperlake"))
    }

    @Test func cpuModelNameIsRead() {
        #expect(cpuModelName(cpuinfo: Self.zen3) == "AMD EPYC")
        #expect(cpuModelName(cpuinfo: "flags : avx2\n") == "unknown CPU")
    }

    /// The real thing: graft-lm (built beside this test bundle) reports kernels of the class this
    /// CPU's flags call for, with OPENBLAS_CORETYPE unset as a user would start it.
    @Test func graftLMRunsKernelsAsWideAsTheCPUAllows() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let want = preferredOpenBLASCore(cpuinfo: cpuinfo) else { return }   // no AVX2: nothing better is known
        let (core, out) = try graftLMBLAS([:])
        let used = openBLASCoreClass(core)
        #expect(used >= want.cls, "OpenBLAS runs \(core) (\(used)) on a CPU with \(want.cls) units:\n\(out)")
        #expect(out.contains("reason: "))
    }

    /// The re-execution itself: told (through GRAFT_CPUINFO) that the CPU is an Emerald Rapids,
    /// graft-lm restarts with Cooperlake's kernels and says why (unless OpenBLAS already runs them). `blas` runs no matmul, so this is
    /// safe on a CPU without AVX-512.
    @Test func aWeakerPickIsReplacedByReexecution() throws {
        let path = NSTemporaryDirectory() + "graft-cpuinfo-\(UUID().uuidString)"
        try Self.emeraldRapids.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (core, out) = try graftLMBLAS(["GRAFT_CPUINFO": path])
        // Where OpenBLAS itself already runs kernels of Cooperlake's class (an AVX-512 BF16 CPU such
        // as Zen 4), there is nothing to replace and the reason says so; elsewhere graft re-executes.
        let (ownCore, ownOut) = try graftLMBLAS([:])
        if ownOut.contains("reason: OpenBLAS's own choice") && openBLASCoreClass(ownCore) >= openBLASCoreClass("Cooperlake") {
            #expect(core == ownCore && out.contains("reason: OpenBLAS's own choice"), "\(out)")
        } else {
            #expect(out.contains("reason: graft chose Cooperlake"), "\(out)")
        }
        // OpenBLAS takes Cooperlake only where the CPU really has AVX-512 BF16; elsewhere it keeps
        // its own set and the reason says so.
        let real = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        if preferredOpenBLASCore(cpuinfo: real)?.core == "Cooperlake" {
            #expect(core == "Cooperlake", "\(out)")
        } else if core != "Cooperlake" {
            #expect(out.contains("OpenBLAS did not take Cooperlake and runs \(core)"), "\(out)")
        }
        let (userCore, userOut) = try graftLMBLAS(["GRAFT_CPUINFO": path, "OPENBLAS_CORETYPE": "Haswell"])
        #expect(userCore == "Haswell")
        #expect(userOut.contains("set by the user, respected"))
    }

    /// Runs `graft-lm blas` with OPENBLAS_CORETYPE and GRAFT_BLAS_CHOICE unset, plus `extra`; (core, output).
    func graftLMBLAS(_ extra: [String: String]) throws -> (String, String) {
        let exe = try #require(builtExecutable("graft-lm"), "graft-lm is not built beside the tests; run swift build first")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["blas"]
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = nil
        env["GRAFT_BLAS_CHOICE"] = nil
        env.merge(extra) { $1 }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(out)")
        let line = try #require(out.split(separator: "\n").first { $0.hasPrefix("core: ") })
        return (line.dropFirst(6).split(separator: " ").first.map(String.init) ?? "", out)
    }
}

/// An executable of this package, found beside the running test bundle (or above it).
func builtExecutable(_ name: String) -> String? {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    while dir != "/" {
        if FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
        dir = (dir as NSString).deletingLastPathComponent
    }
    return nil
}
