// Reading a GGUF file (versions 2 and 3): header, metadata, tensor table, alignment and data
// offset, over a memory map. Everything is validated up front, so a truncated or malformed file
// fails here with the offending key/tensor named, never later as garbage or a crash.
// Tensor shapes are given row-major (outermost first): ggml's dims reversed.

/// One entry of the tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let type: GGMLType
    public let shape: [Int]          // row-major, e.g. token_embd = [vocab, width]
    public let offset: Int           // absolute byte offset in the file
    public let byteCount: Int
    public var count: Int { shape.reduce(1, *) }
}

public struct GGUFFile: Sendable {
    public let path: String
    public let version: Int
    public let metadata: GGUFMetadata
    public let tensors: [GGUFTensorInfo]       // in file order
    public let alignment: Int
    public let dataOffset: Int
    let file: MappedFile
    private let index: [String: Int]

    public subscript(name: String) -> GGUFTensorInfo? { index[name].map { tensors[$0] } }

    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    init(file: MappedFile) throws {
        self.file = file
        self.path = file.path
        let path = file.path
        let parsed = try file.withBytes { bytes in
            var parser = GGUFParser(bytes: bytes, path: path)
            return try parser.parse()
        }
        version = parsed.version
        metadata = parsed.metadata
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataOffset = parsed.dataOffset
        index = Dictionary(tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The tensor's values as Float32, in the file's (row-major) order.
    public func floats(_ name: String) throws -> [Float] {
        guard let t = self[name] else { throw GGUFError("\(path): no tensor named '\(name)'") }
        return try floats(t)
    }

    public func floats(_ t: GGUFTensorInfo) throws -> [Float] {
        try file.withBytes { bytes in
            try dequantize(UnsafeRawBufferPointer(rebasing: bytes[t.offset..<(t.offset + t.byteCount)]),
                           type: t.type, count: t.count, tensor: t.name)
        }
    }
}

/// A bounds-checked little-endian cursor; every read names what it was reading when it fails.
private struct GGUFParser {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var pos = 0

    init(bytes: UnsafeRawBufferPointer, path: String) { self.bytes = bytes; self.path = path }

    struct Result {
        var version: Int, metadata: GGUFMetadata, tensors: [GGUFTensorInfo], alignment: Int, dataOffset: Int
    }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws {
        guard n >= 0, pos + n <= bytes.count else {
            throw GGUFError("\(path): truncated file: \(what()) needs bytes \(pos)..<\(pos + n), the file has \(bytes.count)")
        }
    }
    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: pos, as: T.self))
        pos += MemoryLayout<T>.size
        return v
    }
    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let n = try read(UInt64.self, what())
        guard n <= UInt64(bytes.count) else {
            throw GGUFError("\(path): \(what()) claims a string of \(n) bytes, more than the file (corrupt or truncated)")
        }
        try need(Int(n), what())
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + Int(n))]), as: UTF8.self)
        pos += Int(n)
        return s
    }

    mutating func readValue(_ type: GGUFValueType, _ key: String) throws -> GGUFValue {
        let what = "metadata '\(key)'"
        switch type {
        case .uint8: return .int(Int64(try read(UInt8.self, what)), type)
        case .int8: return .int(Int64(try read(Int8.self, what)), type)
        case .uint16: return .int(Int64(try read(UInt16.self, what)), type)
        case .int16: return .int(Int64(try read(Int16.self, what)), type)
        case .uint32: return .int(Int64(try read(UInt32.self, what)), type)
        case .int32: return .int(Int64(try read(Int32.self, what)), type)
        case .uint64:
            let v = try read(UInt64.self, what)
            return v <= UInt64(Int64.max) ? .int(Int64(v), type) : .uint64(v)
        case .int64: return .int(try read(Int64.self, what), type)
        case .float32: return .float(Double(Float(bitPattern: try read(UInt32.self, what))), type)
        case .float64: return .float(Double(bitPattern: try read(UInt64.self, what)), type)
        case .bool:
            let b = try read(UInt8.self, what)
            guard b <= 1 else { throw GGUFError("\(path): metadata '\(key)' is a bool with byte value \(b)") }
            return .bool(b == 1)
        case .string: return .string(try readString(what))
        case .array:
            let raw = try read(UInt32.self, what + " (array element type)")
            guard let elem = GGUFValueType(rawValue: raw) else {
                throw GGUFError("\(path): metadata '\(key)' is an array of unknown value type \(raw)")
            }
            let n = try read(UInt64.self, what + " (array length)")
            guard n <= UInt64(bytes.count - pos) else {
                throw GGUFError("\(path): metadata '\(key)' claims \(n) array elements, more than the file holds (corrupt or truncated)")
            }
            var items: [GGUFValue] = []
            items.reserveCapacity(Int(n))
            for i in 0..<Int(n) { items.append(try readValue(elem, "\(key)[\(i)]")) }
            return .array(items, elem)
        }
    }

    mutating func parse() throws -> Result {
        try need(4, "the magic number")
        let magic = Array(bytes[0..<4])
        guard magic == Array("GGUF".utf8) else {
            throw GGUFError("\(path): not a GGUF file (starts with bytes \(magic.map { String($0, radix: 16) }), expected 'GGUF')")
        }
        pos = 4
        let version = Int(try read(UInt32.self, "the version"))
        guard version == 2 || version == 3 else {
            throw GGUFError("\(path): GGUF version \(version) is not supported (versions 2 and 3 are)")
        }
        let nTensors = try read(UInt64.self, "the tensor count")
        let nKV = try read(UInt64.self, "the metadata count")
        guard nTensors <= UInt64(bytes.count), nKV <= UInt64(bytes.count) else {
            throw GGUFError("\(path): header claims \(nTensors) tensors and \(nKV) metadata keys: corrupt or truncated")
        }
        var values: [String: GGUFValue] = [:]
        var keys: [String] = []
        for i in 0..<Int(nKV) {
            let key = try readString("metadata key #\(i)")
            let raw = try read(UInt32.self, "the type of metadata '\(key)'")
            guard let type = GGUFValueType(rawValue: raw) else {
                throw GGUFError("\(path): metadata '\(key)' has unknown value type \(raw)")
            }
            guard values[key] == nil else { throw GGUFError("\(path): metadata key '\(key)' appears twice") }
            values[key] = try readValue(type, key)
            keys.append(key)
        }
        let metadata = GGUFMetadata(values: values, keys: keys, source: path)
        var alignment = 32
        if values["general.alignment"] != nil {
            alignment = try metadata.int("general.alignment")
            guard alignment > 0, alignment & (alignment - 1) == 0 else {
                throw GGUFError("\(path): general.alignment \(alignment) is not a positive power of two")
            }
        }
        var raw: [(name: String, type: GGMLType, shape: [Int], offset: UInt64)] = []
        for i in 0..<Int(nTensors) {
            let name = try readString("the name of tensor #\(i)")
            let nDims = try read(UInt32.self, "the rank of tensor '\(name)'")
            guard (1...4).contains(nDims) else {
                throw GGUFError("\(path): tensor '\(name)' has \(nDims) dimensions (1 to 4 allowed)")
            }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try read(UInt64.self, "the dimensions of tensor '\(name)'")
                guard d > 0, d < (1 << 40) else { throw GGUFError("\(path): tensor '\(name)' has dimension \(d)") }
                dims.append(Int(d))
            }
            let typeCode = try read(UInt32.self, "the type of tensor '\(name)'")
            guard let type = GGMLType(rawValue: typeCode) else {
                throw GGUFError("\(path): tensor '\(name)' has unknown ggml type \(typeCode)")
            }
            guard type.isSupported else {
                throw GGUFError("\(path): tensor '\(name)' has ggml type \(type.name) (\(typeCode)), which graft does not dequantise (supported: \(GGMLType.supported.map(\.name).joined(separator: ", ")))")
            }
            let offset = try read(UInt64.self, "the offset of tensor '\(name)'")
            raw.append((name, type, dims.reversed(), offset))
        }
        let dataOffset = (pos + alignment - 1) / alignment * alignment
        var tensors: [GGUFTensorInfo] = []
        var seen = Set<String>()
        for t in raw {
            guard seen.insert(t.name).inserted else { throw GGUFError("\(path): tensor '\(t.name)' appears twice") }
            let block = t.type.block!
            let count = t.shape.reduce(1, *)
            guard t.shape.last! % block.elements == 0 else {
                throw GGUFError("\(path): tensor '\(t.name)' of type \(t.type.name) has rows of \(t.shape.last!) elements, not a multiple of its block size \(block.elements)")
            }
            guard t.offset % UInt64(alignment) == 0 else {
                throw GGUFError("\(path): tensor '\(t.name)' data offset \(t.offset) is not a multiple of the alignment \(alignment)")
            }
            let byteCount = count / block.elements * block.bytes
            guard t.offset <= UInt64(bytes.count), dataOffset + Int(t.offset) + byteCount <= bytes.count else {
                throw GGUFError("\(path): tensor '\(t.name)' (\(t.type.name), shape \(t.shape)) lies at bytes \(dataOffset &+ Int(truncatingIfNeeded: t.offset))..<\(dataOffset &+ Int(truncatingIfNeeded: t.offset) &+ byteCount), past the end of the file (\(bytes.count) bytes): truncated?")
            }
            tensors.append(GGUFTensorInfo(name: t.name, type: t.type, shape: t.shape,
                                          offset: dataOffset + Int(t.offset), byteCount: byteCount))
        }
        return Result(version: version, metadata: metadata, tensors: tensors, alignment: alignment, dataOffset: dataOffset)
    }
}
