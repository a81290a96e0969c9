// Reading and writing compiled models as safetensors files: the tensors of
// CompiledModel.tensors() and its JSON metadata under `__metadata__` ("format", "version",
// "model").
import Foundation
import Compiler
import SafeTensors
import Support

func writeModel(_ model: CompiledModel, to path: String) throws {
    let meta = model.metadata
    var writer = SafeTensorsWriter(metadata: ["format": compiledModelFormat, "version": String(compiledModelVersion), "model": meta.text])
    for t in model.tensors() { try writer.add(t.name, shape: t.shape, floats: t.values) }
    try writeFileAtomically(path, bytes: writer.encode())
}

func readModel(_ path: String) throws -> CompiledModel {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CompileError("cannot read \(path); build it with: compile-rasp build PROGRAM.rasp --vocab … --max-seq-len N --out \(path)")
    }
    let bundle = try SafeTensorsBundle(bytes: [UInt8](data))
    guard bundle.metadata["format"] == compiledModelFormat, let text = bundle.metadata["model"] else {
        throw CompileError("\(path) is not a \(compiledModelFormat) file (no such format in its __metadata__)")
    }
    return try CompiledModel(metadata: try JSON.parse(text)) { name, count in
        let v = try bundle.floats(name)
        guard v.count == count else { throw CompileError("\(path): tensor \(name) has \(v.count) values, expected \(count)") }
        return v
    }
}
