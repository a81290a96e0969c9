// The adapter: one affine map from the LM's residual width D to the compiled model's width C,
// shared by every aligned layer (METHOD §3.1), its forward/backward over N positions, and its
// file ("format": "graft-adapter"). Legend: N positions, D LM width, C compiled width.
import Engine
import Foundation
import SafeTensors
import Support
import Tensor

public final class Adapter: @unchecked Sendable {
    /// weight [C, D] and bias [C] in one parameter store (so AdamW and checkpoints treat it as a group).
    public let params: ParameterStore
    public let lmWidth: Int
    public let compiledWidth: Int

    public static let weightName = "adapter.weight"
    public static let biasName = "adapter.bias"

    public init(lmWidth d: Int, compiledWidth c: Int) {
        lmWidth = d; compiledWidth = c
        params = ParameterStore([(Self.weightName, [c, d]), (Self.biasName, [c])])
    }

    /// PyTorch's nn.Linear initialisation: weight and bias uniform in ±1/sqrt(D), seeded.
    public convenience init(lmWidth d: Int, compiledWidth c: Int, seed: UInt64) {
        self.init(lmWidth: d, compiledWidth: c)
        var rng = SeededRNG(seed: seed)
        let bound = 1 / Double(d).squareRoot()
        for e in params.entries {
            let p = params.values.at(e.offset)
            for i in 0..<e.count { p[i] = Float((rng.unitDouble() * 2 - 1) * bound) }
        }
    }

    public var weight: UnsafeMutablePointer<Float> { params.value(Self.weightName) }
    public var bias: UnsafeMutablePointer<Float> { params.value(Self.biasName) }

    /// y[N, C] = x[N, D] · Wᵀ + b
    public func forward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, n: Int) {
        linearForward(y, x, weight, bias, layout: .outIn, n: n, i: lmWidth, o: compiledWidth)
    }

    /// dx[N, D] = dy · W (added to dx when `accumulateDx`); dW += dyᵀ · x; db += Σ dy.
    public func backward(dx: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>, x: UnsafePointer<Float>, n: Int,
                         accumulateDx: Bool = false) {
        linearBackward(dx: dx, dw: params.grad(Self.weightName), db: params.grad(Self.biasName), dy: dy, x: x,
                       w: weight, layout: .outIn, n: n, i: lmWidth, o: compiledWidth, accumulateDx: accumulateDx)
    }

    /// The weight rows and biases of `dims` (weight rows first, then the biases), to restore with `setOutputRows`.
    public func outputRows(_ dims: [Int]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(dims.count * (lmWidth + 1))
        for dim in dims { out += UnsafeBufferPointer(start: weight + dim * lmWidth, count: lmWidth) }
        for dim in dims { out.append(bias[dim]) }
        return out
    }

    public func setOutputRows(_ dims: [Int], _ values: [Float]) {
        precondition(values.count == dims.count * (lmWidth + 1), "Adapter.setOutputRows: \(values.count) values for \(dims.count) rows")
        for (i, dim) in dims.enumerated() {
            for q in 0..<lmWidth { weight[dim * lmWidth + q] = values[i * lmWidth + q] }
            bias[dim] = values[dims.count * lmWidth + i]
        }
    }

    /// Rows of W for the given compiled dimensions, row-major [r, D].
    public func rows(_ dims: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: dims.count * lmWidth)
        for (r, dim) in dims.enumerated() {
            for j in 0..<lmWidth { out[r * lmWidth + j] = weight[dim * lmWidth + j] }
        }
        return out
    }
}

// MARK: - File

/// What travels with an adapter: which LM residuals it reads and where the output variable lives.
public struct AdapterInfo: Sendable, Equatable {
    /// Compiled residuals 0...layers are aligned, compiled residual i with LM residual residuals[i].
    public var layers: Int
    /// Set by distill's --layer-stride; nil: compiled residual i ↔ LM residual i.
    public var strideResiduals: [Int]?
    /// The LM residual of each compiled residual.
    public var residuals: [Int] { strideResiduals ?? Array(0...max(layers, 0)) }
    /// Detach-and-roll (and the noise experiment) act on the output of this block.
    public var hookBlock: Int { residuals.last ?? layers }
    /// Compiled dimensions of the program's output variable (the detach-and-roll subspace).
    public var outputDims: [Int]
    /// Free-form facts: task, method, compiled model hash.
    public var extra: [String: String]
    public init(layers: Int, outputDims: [Int], extra: [String: String] = [:], residuals: [Int]? = nil) {
        self.layers = layers; self.outputDims = outputDims; self.extra = extra
        strideResiduals = residuals == Array(0...max(layers, 0)) ? nil : residuals
    }
}

public enum AdapterFile {
    public static let format = "graft-adapter"
    public static let version = "1"

    public static func encode(_ a: Adapter, info: AdapterInfo) throws -> [UInt8] {
        var meta = info.extra
        meta["format"] = format
        meta["version"] = version
        meta["layers"] = String(info.layers)
        meta["output_dims"] = info.outputDims.map(String.init).joined(separator: ",")
        // Written only where it departs from residual i ↔ i, so the paper's adapters keep their bytes.
        if let r = info.strideResiduals { meta["residuals"] = r.map(String.init).joined(separator: ",") }
        var w = SafeTensorsWriter(metadata: meta)
        try w.add(Adapter.weightName, shape: [a.compiledWidth, a.lmWidth],
                  floats: Array(UnsafeBufferPointer(start: a.weight, count: a.compiledWidth * a.lmWidth)))
        try w.add(Adapter.biasName, shape: [a.compiledWidth], floats: Array(UnsafeBufferPointer(start: a.bias, count: a.compiledWidth)))
        return w.encode()
    }

    public static func write(_ a: Adapter, info: AdapterInfo, to path: String) throws {
        try writeFileAtomically(path, bytes: try encode(a, info: info))
    }

    public static func read(_ path: String) throws -> (adapter: Adapter, info: AdapterInfo) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InjectionError("cannot read \(path); it is made by the distill stage")
        }
        return try decode([UInt8](data), source: path)
    }

    public static func decode(_ bytes: [UInt8], source: String) throws -> (adapter: Adapter, info: AdapterInfo) {
        let b = try SafeTensorsBundle(bytes: bytes, source: source)
        guard b.metadata["format"] == format else {
            throw InjectionError("\(source) is not a graft adapter (format '\(b.metadata["format"] ?? "none")'); rerun the distill stage")
        }
        guard b.metadata["version"] == version else {
            throw InjectionError("\(source): adapter version \(b.metadata["version"] ?? "?"), this graft reads \(version); rerun the distill stage")
        }
        guard let w = b[Adapter.weightName], w.shape.count == 2, let bias = b[Adapter.biasName], bias.shape == [w.shape[0]],
              let layers = Int(b.metadata["layers"] ?? "") else {
            throw InjectionError("\(source): adapter tensors or metadata are missing or mis-shaped; rerun the distill stage")
        }
        let dims = (b.metadata["output_dims"] ?? "").split(separator: ",").compactMap { Int($0) }
        let a = Adapter(lmWidth: w.shape[1], compiledWidth: w.shape[0])
        try b.floats(Adapter.weightName).withUnsafeBufferPointer { a.weight.update(from: $0.baseAddress!, count: $0.count) }
        try b.floats(Adapter.biasName).withUnsafeBufferPointer { a.bias.update(from: $0.baseAddress!, count: $0.count) }
        var residuals: [Int]? = nil
        if let text = b.metadata["residuals"] {
            guard let r = parseResidualList(text) else { throw InjectionError("\(source): residuals '\(text)' are not integers; rerun the distill stage") }
            if let problem = alignedResidualsProblem(r, layers: layers, lmBlocks: nil) {
                throw InjectionError("\(source): residuals '\(text)': \(problem); rerun the distill stage")
            }
            residuals = r
        }
        var extra = b.metadata
        for k in ["format", "version", "layers", "output_dims", "residuals"] { extra[k] = nil }
        return (a, AdapterInfo(layers: layers, outputDims: dims, extra: extra, residuals: residuals))
    }
}

public struct InjectionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
