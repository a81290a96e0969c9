// Stage keys and the matrix-product precision (issue 15): a tool marked "precision_in_key" gets
// the precision its --precision flag (default auto) resolves to on the CPU into its stages' keys,
// so results made with bf16 products are not reused on a CPU that would make fp32 ones; other
// tools' keys do not depend on the CPU, and a stage that asks for fp32 explicitly keeps its key.
import Foundation
import JSONText
import Testing
@testable import Pipeline

@Suite struct PrecisionKeyTests {
    let zen3 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n"
    let zen4 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma avx512f avx512_bf16\n"

    func spec(genArgs: [JSONValue], precisionInKey: Bool) -> JSONValue {
        var s = TestRepo.standardSpec(offset: 0, modulus: 1000)
        guard case .object(var o) = s, case .object(var tools) = o["tools"]!, case .object(var stages) = o["stages"]! else { return s }
        tools["gen"] = ["exec": "tools/gen.sh", "code": ["tools/gen.sh"], "precision_in_key": .bool(precisionInKey)]
        if case .object(var gen) = stages["gen/a"]! { gen["args"] = .array(genArgs); stages["gen/a"] = .object(gen) }
        o["tools"] = .object(tools); o["stages"] = .object(stages); s = .object(o)
        return s
    }

    func keys(_ repo: TestRepo, cpu: String) throws -> [String: String] {
        var r: [String: String] = [:]
        for st in try Workspace(root: repo.root, cpuInfo: cpu).status(profile: "default") { r[st.stage] = st.key?.hex }
        return r
    }

    let args: [JSONValue] = ["-n", "{param.count}", "-o", "{param.offset}", "--out", "{out.data}"]

    @Test func markedToolsKeyTheResolvedPrecision() throws {
        let repo = try TestRepo("precision-key")
        try repo.writeSpec(spec(genArgs: args, precisionInKey: true))
        let a = try keys(repo, cpu: zen3), b = try keys(repo, cpu: zen4)
        #expect(a["gen/a"] != nil && a["gen/a"] != b["gen/a"], "auto resolves to fp32 on one CPU and bf16 on the other")
        // Two CPUs that resolve alike give one key.
        let zen4b = zen4.replacingOccurrences(of: "avx512_bf16", with: "amx_bf16 avx512_bf16")
        #expect(try keys(repo, cpu: zen4b)["gen/a"] == b["gen/a"])
    }

    @Test func explicitFP32IsTheSameKeyOnEveryCPU() throws {
        let repo = try TestRepo("precision-fp32")
        try repo.writeSpec(spec(genArgs: args + ["--precision", "fp32"], precisionInKey: true))
        #expect(try keys(repo, cpu: zen3)["gen/a"] == keys(repo, cpu: zen4)["gen/a"])
        try repo.writeSpec(spec(genArgs: args + ["--precision=bf16"], precisionInKey: true))
        #expect(try keys(repo, cpu: zen3)["gen/a"] == keys(repo, cpu: zen4)["gen/a"])
    }

    @Test func unmarkedToolsIgnoreTheCPU() throws {
        let repo = try TestRepo("precision-unmarked")
        try repo.writeSpec(spec(genArgs: args, precisionInKey: false))
        #expect(try keys(repo, cpu: zen3)["gen/a"] == keys(repo, cpu: zen4)["gen/a"])
    }

    @Test func aBadPrecisionOrFieldIsNamed() throws {
        let repo = try TestRepo("precision-bad")
        try repo.writeSpec(spec(genArgs: args + ["--precision", "fp16"], precisionInKey: true))
        #expect { _ = try keys(repo, cpu: zen3) } throws: { "\($0)".contains("stages.gen/a.args: --precision must be auto, fp32 or bf16, not 'fp16'") }
        var s = spec(genArgs: args, precisionInKey: true)
        if case .object(var o) = s, case .object(var tools) = o["tools"]! {
            tools["gen"] = ["exec": "tools/gen.sh", "code": ["tools/gen.sh"], "precision_in_key": "yes"]
            o["tools"] = .object(tools); s = .object(o)
        }
        try repo.writeSpec(s)
        #expect { _ = try Workspace(root: repo.root, cpuInfo: zen3) } throws: { "\($0)".contains("precision_in_key") && "\($0)".contains("must be true or false") }
    }
}
