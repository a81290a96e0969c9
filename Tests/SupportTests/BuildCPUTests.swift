import Support
import Testing

@Suite struct BuildCPUTests {
    static let zen = "processor\t: 0\nflags\t\t: fpu vme sse sse2 avx avx2 fma f16c bmi1 bmi2 movbe abm popcnt avx512f\nbugs\t\t: sysret_ss_attrs\n"

    @Test func aModernCPUMissesNothing() {
        #expect(missingCPUFlags(cpuinfo: Self.zen) == [])
    }

    @Test func anOldCPUMissesAVX2AndFMAByName() {
        let sandyBridge = "flags\t\t: fpu sse sse2 avx popcnt\n"
        #expect(missingCPUFlags(cpuinfo: sandyBridge) == ["avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm"])
        let message = buildCPUMessage(program: "distill", missing: ["avx2", "fma"])
        #expect(message.hasPrefix("distill: "))
        #expect(message.contains("lacks avx2, fma"))
        #expect(message.contains("GRAFT_PORTABLE_BUILD=1 swift build -c release"))
    }

    @Test func withoutAFlagsLineThereIsNothingToCheck() {
        #expect(missingCPUFlags(cpuinfo: "") == nil)
        #expect(missingCPUFlags(cpuinfo: "Processor : ARMv8\nFeatures : fp asimd\n") == nil)
    }

    @Test func theFlagNameMustMatchWholly() {
        // "avx512f" must not count as "avx"
        #expect(missingCPUFlags(cpuinfo: "flags : avx512f avx2\n", required: ["avx", "avx2"]) == ["avx"])
    }

    @Test(.enabled(if: buildTargetsAVX2, "a portable build needs no CPU check"))
    func thisMachineCanRunThisBuild() throws {
        // The suite itself runs the numeric targets as built; if they need AVX2, this CPU has it.
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        #expect(missingCPUFlags(cpuinfo: text) == [])
    }
}
