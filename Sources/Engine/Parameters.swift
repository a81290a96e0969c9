// All parameters of a model in one contiguous buffer, indexed by a table of named tensors,
// with a gradient buffer of the same layout: zero-grad, save, load and AdamW are one loop.

import Tensor

public struct ParameterEntry: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

public final class ParameterStore: @unchecked Sendable {
    public let entries: [ParameterEntry]          // in layout order
    public let values: FloatBuffer
    public let grads: FloatBuffer
    private let index: [String: Int]

    /// Lays out `tensors` (name, shape) one after another, each 16-float aligned.
    public init(_ tensors: [(name: String, shape: [Int])]) {
        var entries: [ParameterEntry] = []
        var offset = 0
        for (name, shape) in tensors {
            entries.append(ParameterEntry(name: name, shape: shape, offset: offset))
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
        self.entries = entries
        var index: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            precondition(index[e.name] == nil, "ParameterStore: duplicate tensor name \(e.name)")
            index[e.name] = i
        }
        self.index = index
        values = FloatBuffer(count: offset)
        grads = FloatBuffer(count: offset)
    }

    public var totalCount: Int { values.count }
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.count } }

    public func entry(_ name: String) -> ParameterEntry? { index[name].map { entries[$0] } }

    /// Pointer to the values of tensor `name` (a programming error if absent).
    public func value(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let e = entry(name) else { preconditionFailure("ParameterStore: no tensor named \(name)") }
        return values.at(e.offset)
    }

    public func grad(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let e = entry(name) else { preconditionFailure("ParameterStore: no tensor named \(name)") }
        return grads.at(e.offset)
    }

    public func zeroGrad() { grads.zero() }

    /// A copy of tensor `name` as a HostTensor.
    public func host(_ name: String) -> HostTensor {
        let e = entry(name)!
        return HostTensor(shape: e.shape, data: Array(UnsafeBufferPointer(start: values.at(e.offset), count: e.count)))
    }

    /// Copies every value from `other`, which must have the same layout.
    public func copyValues(from other: ParameterStore) {
        precondition(other.entries == entries, "ParameterStore.copyValues: layouts differ")
        values.pointer.update(from: other.values.pointer, count: values.count)
    }
}
