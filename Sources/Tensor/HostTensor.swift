// The hand-over type between weight loaders and models: a shape and its Float32 values in
// row-major order, nothing else. Loaders (GGUF, safetensors) produce [String: HostTensor]
// keyed by Hugging Face names (ModelConfig.swift `WeightNames`); models copy them in.

public struct HostTensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]          // row-major, data.count == shape.reduce(1, *)

    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "HostTensor: negative dimension in \(shape)")
        precondition(data.count == shape.reduce(1, *),
                     "HostTensor: \(data.count) values do not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { data.count }
}
