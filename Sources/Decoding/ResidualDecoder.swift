// The paper's decoder (METHOD §6 step 4, the authors' `build_decoder`): every residual label is
// split at its first ':' into (variable, value); a label without ':' is (label, "True"). At each
// position each variable decodes to the value of its largest dimension, so a one-dimensional
// variable always decodes to its single value. Ties go to the first dimension in label order.

public struct DecodeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public struct ResidualDecoder: Sendable, Equatable {
    /// One variable of the residual basis: its dimensions and the value each one stands for.
    public struct Variable: Sendable, Equatable {
        public var name: String
        public var dims: [Int]
        public var values: [String]
        /// Variables with one dimension decode to a constant; they carry no information to score.
        public var isConstant: Bool { dims.count == 1 }
    }

    /// In order of first appearance among the labels.
    public let variables: [Variable]
    /// Residual width (number of labels).
    public let width: Int

    public init(labels: [String]) throws {
        guard !labels.isEmpty else { throw DecodeError("residual decoder: the compiled model has no residual labels") }
        var order: [String] = []
        var byName: [String: Variable] = [:]
        for (dim, label) in labels.enumerated() {
            let name: String, value: String
            if let colon = label.firstIndex(of: ":") {
                name = String(label[..<colon]); value = String(label[label.index(after: colon)...])
            } else {
                name = label; value = "True"
            }
            guard !name.isEmpty else { throw DecodeError("residual decoder: label \(dim) \"\(label)\" has an empty variable name") }
            if byName[name] == nil { order.append(name); byName[name] = Variable(name: name, dims: [], values: []) }
            byName[name]!.dims.append(dim)
            byName[name]!.values.append(value)
        }
        variables = order.map { byName[$0]! }
        width = labels.count
    }

    public var names: [String] { variables.map(\.name) }

    /// The decoded value of every variable at one position; `row` holds `width` floats.
    public func decode(row: UnsafePointer<Float>) -> [String] {
        variables.map { v in
            var best = 0
            var top = row[v.dims[0]]
            for i in 1..<v.dims.count where row[v.dims[i]] > top { best = i; top = row[v.dims[i]] }
            return v.values[best]
        }
    }

    /// The compiled model's value of every variable at one position: as `decode`, but nil where
    /// the largest dimension is not unique (the variable is not written there yet: all its
    /// dimensions are 0), since a tie says nothing about the value.
    public func truth(row: UnsafePointer<Float>) -> [String?] {
        variables.map { v in
            var best = 0, tied = false
            var top = row[v.dims[0]]
            for i in 1..<v.dims.count {
                if row[v.dims[i]] > top { best = i; top = row[v.dims[i]]; tied = false } else if row[v.dims[i]] == top { tied = true }
            }
            return tied ? nil : v.values[best]
        }
    }

    /// `truth` at the chosen positions of a row-major [n, width] matrix.
    public func truth(_ matrix: [Float], positions: [Int]) throws -> [[String?]] {
        try checkRows(matrix, positions)
        return matrix.withUnsafeBufferPointer { m in positions.map { truth(row: m.baseAddress! + $0 * width) } }
    }

    /// Decoded values [position][variable] of a row-major [positions, width] matrix.
    public func decode(_ matrix: [Float], positions: Int) throws -> [[String]] {
        guard matrix.count == positions * width else {
            throw DecodeError("residual decoder: \(matrix.count) values do not form \(positions) positions × \(width) dimensions")
        }
        return matrix.withUnsafeBufferPointer { m in
            (0..<positions).map { decode(row: m.baseAddress! + $0 * width) }
        }
    }

    /// Decoded values at the chosen positions only.
    public func decode(_ matrix: [Float], positions: [Int]) throws -> [[String]] {
        try checkRows(matrix, positions)
        return matrix.withUnsafeBufferPointer { m in positions.map { decode(row: m.baseAddress! + $0 * width) } }
    }

    func checkRows(_ matrix: [Float], _ positions: [Int]) throws {
        let n = matrix.count / width
        guard matrix.count == n * width else {
            throw DecodeError("residual decoder: \(matrix.count) values are not a whole number of rows of \(width)")
        }
        if let bad = positions.first(where: { $0 < 0 || $0 >= n }) {
            throw DecodeError("residual decoder: position \(bad) outside 0..<\(n)")
        }
    }
}
