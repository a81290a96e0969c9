// Reading and writing compiled models as safetensors files: the tensors of
// CompiledModel.tensors() and its JSON metadata under `__metadata__` ("format", "version",
// "model"). Shared by compile-rasp (writes) and the stages that run compiled models (read).
import Foundation
import Compiler
import JSONText
import SafeTensors
import Support

/// Writes the model, releasing each tensor's floats once its bytes are made (peak memory).
public func writeCompiledModel(_ model: consuming CompiledModel, to path: String) throws {
    let meta = try model.metadataText()
    var tensors = model.tensors()
    _ = consume model
    var writer = SafeTensorsWriter(metadata: ["format": compiledModelFormat, "version": String(compiledModelVersion), "model": meta])
    while let t = tensors.popLast() {
        // Float32 little-endian, copied as raw memory (this is a little-endian platform).
        let bytes = t.values.withUnsafeBytes { [UInt8]($0) }
        try writer.add(t.name, dtype: .f32, shape: t.shape, bytes: bytes)
    }
    try writeFileAtomically(path) { write in try writer.encode(into: write) }
}

public func readCompiledModel(_ path: String) throws -> CompiledModel {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CompileError("cannot read \(path); build it with: compile-rasp build PROGRAM.rasp --vocab … --max-seq-len N --out \(path)")
    }
    let bundle = try SafeTensorsBundle(bytes: [UInt8](data), source: path)
    guard bundle.metadata["format"] == compiledModelFormat, let text = bundle.metadata["model"] else {
        throw CompileError("\(path) is not a \(compiledModelFormat) file (no such format in its __metadata__)")
    }
    return try CompiledModel(metadata: try parseJSON(text)) { name, count in
        let v = try bundle.floats(name)
        guard v.count == count else { throw CompileError("\(path): tensor \(name) has \(v.count) values, expected \(count)") }
        return v
    }
}
