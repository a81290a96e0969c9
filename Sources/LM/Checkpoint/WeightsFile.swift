// Fine-tuned language-model weights as one safetensors file: every parameter under its HF name
// (F32), the model config as JSON and the base model it started from in the metadata
// ("format": "graft-lm-weights"). distill writes it; evaluate and decode read it over `--model`.
import Engine
import Foundation
import SafeTensors
import Support
import Tensor

public enum WeightsFile {
    public static let format = "graft-lm-weights"
    public static let version = "1"

    /// Writes `model`'s parameters atomically; `metadata` adds caller facts (base model, task, method).
    public static func write(_ model: TransformerLM, to path: String, metadata extra: [String: String] = [:]) throws {
        var meta = extra
        meta["format"] = format
        meta["version"] = version
        meta["config"] = String(decoding: try configJSON(model.config), as: UTF8.self)
        var writer = SafeTensorsWriter(metadata: meta)
        for e in model.params.entries {
            try writer.add(e.name, shape: e.shape, borrowingFloats: model.params.values.at(e.offset), count: e.count)
        }
        try withExtendedLifetime(model) { try writeFileAtomically(path) { write in try writer.encode(into: write) } }
    }

    /// Reads a weights file into a model, checking format, version, config and every tensor.
    public static func read(_ path: String) throws -> (model: TransformerLM, metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LMFileError("cannot read \(path); it is made by the distill stage (pipeline run distill/…)")
        }
        let bundle = try SafeTensorsBundle(bytes: [UInt8](data), source: path)
        guard bundle.metadata["format"] == format else {
            throw LMFileError("\(path) is not a graft weights file (format '\(bundle.metadata["format"] ?? "none")', expected '\(format)')")
        }
        guard bundle.metadata["version"] == version else {
            throw LMFileError("\(path): weights file version \(bundle.metadata["version"] ?? "?"), this graft reads \(version); rerun the distill stage")
        }
        guard let text = bundle.metadata["config"],
              let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(text.utf8)) else {
            throw LMFileError("\(path): the metadata has no readable model config; rerun the distill stage")
        }
        var weights: ModelWeights = [:]
        for t in bundle.tensors {
            guard t.dtype == .f32 else { throw LMFileError("\(path): tensor '\(t.name)' is \(t.dtype.rawValue), expected F32") }
            weights[t.name] = HostTensor(shape: t.shape, data: try bundle.floats(t.name))
        }
        return (try TransformerLM(config: config, weights: weights), bundle.metadata)
    }

    static func configJSON(_ c: ModelConfig) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(c)
    }
}

/// A model to run: `spec` as `--model` takes it (default, a GGUF, a HF folder) for the tokenizer
/// and, when `weights` is given, the parameters of a graft weights file instead of the base ones.
public func loadRunnableModel(_ spec: String, weights: String? = nil, root: String = ".") throws -> (model: TransformerLM, tokenizer: BPETokenizer) {
    if let weights {
        let tokenizer = try loadTokenizer(model: spec, root: root)
        let (model, _) = try WeightsFile.read(weights)
        guard model.config.vocabSize == tokenizer.vocabSize else {
            throw LMFileError("\(weights): the weights have a vocabulary of \(model.config.vocabSize), the tokenizer of \(spec) \(tokenizer.vocabSize)")
        }
        return (model, tokenizer)
    }
    let loaded = try loadModel(spec, root: root)
    return (try TransformerLM(config: loaded.config, weights: loaded.weights), loaded.tokenizer)
}
