// Saving and restoring everything a training run needs to resume bit-exactly: every parameter
// group's values and AdamW moments, the step counter and the hyper-parameters, as one
// safetensors file ("<group>.param.<name>", "<group>.m.<name>", "<group>.v.<name>") with a
// format name and version in its metadata. Callers add their own metadata (data order, RNG state).
import Engine
import Foundation
import SafeTensors
import Support
import Tensor

public enum TrainingState {
    public static let format = "graft-training-state"
    public static let version = "1"

    /// The bytes of a checkpoint of `optimizer` (canonical: equal states give equal bytes).
    public static func encode(_ optimizer: AdamW, metadata extra: [String: String] = [:]) throws -> [UInt8] {
        try writer(optimizer, metadata: extra).encode()
    }

    /// Writes the same bytes as `encode` to `path`, atomically and streamed: the tensors go to disk
    /// straight from the optimizer's buffers, one after another, so a checkpoint costs no memory
    /// of its own (a kill leaves the previous file, never a partial one).
    public static func write(_ optimizer: AdamW, metadata extra: [String: String] = [:], to path: String) throws {
        let w = try writer(optimizer, metadata: extra)
        try withExtendedLifetime(optimizer) { try writeFileAtomically(path) { write in try w.encode(into: write) } }
    }

    /// A writer that borrows the optimizer's buffers (valid while `optimizer` lives and is not stepped).
    private static func writer(_ optimizer: AdamW, metadata extra: [String: String]) throws -> SafeTensorsWriter {
        var meta = extra
        meta["format"] = format; meta["version"] = version; meta["step"] = String(optimizer.step)
        var writer = SafeTensorsWriter(metadata: meta)
        for g in optimizer.groups {
            meta["group.\(g.name).lr"] = String(g.hyper.lr)
            for e in g.store.entries {
                for (kind, buffer) in [("param", g.store.values), ("m", g.m), ("v", g.v)] {
                    try writer.add("\(g.name).\(kind).\(e.name)", shape: e.shape, borrowingFloats: buffer.at(e.offset), count: e.count)
                }
            }
        }
        writer.metadata = meta
        return writer
    }

    /// Restores `optimizer` (its groups' parameters, moments and step) from checkpoint bytes; the
    /// groups must have the layout the checkpoint was written from. Returns the file's metadata.
    @discardableResult
    public static func decode(_ bytes: [UInt8], into optimizer: AdamW, source: String = "checkpoint") throws -> [String: String] {
        let bundle = try SafeTensorsBundle(bytes: bytes, source: source)
        guard bundle.metadata["format"] == format else {
            throw SafeTensorsError("\(source): not a graft training state (format '\(bundle.metadata["format"] ?? "none")'); rerun the distill stage")
        }
        guard bundle.metadata["version"] == version else {
            throw SafeTensorsError("\(source): training state version \(bundle.metadata["version"] ?? "?") but this graft reads \(version); rerun the distill stage")
        }
        guard let step = Int(bundle.metadata["step"] ?? "") else { throw SafeTensorsError("\(source): no step in metadata") }
        var problems: [String] = []
        var expected = Set<String>()
        for g in optimizer.groups {
            for e in g.store.entries {
                for (kind, buffer) in [("param", g.store.values), ("m", g.m), ("v", g.v)] {
                    let name = "\(g.name).\(kind).\(e.name)"
                    expected.insert(name)
                    guard let info = bundle[name] else { problems.append("tensor '\(name)' is missing"); continue }
                    guard info.shape == e.shape, info.dtype == .f32 else {
                        problems.append("tensor '\(name)' is \(info.dtype.rawValue) \(info.shape), expected F32 \(e.shape)"); continue
                    }
                    let values = try bundle.floats(name)
                    values.withUnsafeBufferPointer { buffer.at(e.offset).update(from: $0.baseAddress!, count: e.count) }
                }
            }
        }
        for t in bundle.tensors where !expected.contains(t.name) { problems.append("tensor '\(t.name)' is not part of this model") }
        if !problems.isEmpty {
            throw SafeTensorsError("\(source): training state does not fit the model:\n  " + problems.joined(separator: "\n  "))
        }
        optimizer.setStep(step)
        return bundle.metadata
    }

}
