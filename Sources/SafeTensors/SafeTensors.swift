// The safetensors layout (u64 little-endian header length, a JSON header, raw little-endian
// data), used for every tensor graft writes (store bundles, checkpoints, compiled models) and
// for reading Hugging Face checkpoints. Writing is canonical: tensors in name order, header
// keys sorted, header padded with spaces to 8 bytes, so equal tensors give equal bytes.
import Foundation
import JSONText

public enum DType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }
}

public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One tensor of a bundle: its dtype, shape and where its bytes lie in the bundle's data section.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    public let range: Range<Int>   // byte offsets into `SafeTensorsBundle.data`
    public var count: Int { shape.reduce(1, *) }   // fits: a read bundle checked it against the file
}

/// A decoded bundle. `data` holds the data section; each tensor is a byte range of it.
public struct SafeTensorsBundle: Sendable {
    public let metadata: [String: String]
    public let tensors: [TensorInfo]          // in file order
    public let data: [UInt8]
    private let index: [String: Int]

    public subscript(name: String) -> TensorInfo? { index[name].map { tensors[$0] } }

    /// Parses and validates a whole safetensors file held in memory; `source` (a path) prefixes every
    /// error. Lengths, offsets and shapes come from the file, so all arithmetic on them is checked
    /// for overflow and against the file's size before anything is allocated.
    public init(bytes: [UInt8], source: String? = nil) throws {
        let at = source.map { "\($0): " } ?? ""
        func fail(_ message: String) -> SafeTensorsError { SafeTensorsError(at + "safetensors: " + message) }
        guard bytes.count >= 8 else {
            throw fail("file of \(bytes.count) bytes is shorter than its 8-byte header length")
        }
        var rawLength: UInt64 = 0
        for i in 0..<8 { rawLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard rawLength >= 2, rawLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(rawLength) does not fit a file of \(bytes.count) bytes (truncated?)")
        }
        let headerLength = Int(rawLength)
        let headerBytes = Array(bytes[8..<(8 + headerLength)])
        guard let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataCount = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var infos: [TensorInfo] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else {
                    throw fail("__metadata__ must map strings to strings")
                }
                metadata = m
                continue
            }
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shapeValue = entry["shape"], let offsetValue = entry["data_offsets"] else {
                throw fail("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail("tensor '\(name)' has unknown dtype '\(dtypeName)'")
            }
            // `as? [Int]` takes only exact integers that fit Int: no fractions, nothing ≥ 2^63.
            guard let shape = shapeValue as? [Int], shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor '\(name)' has shape \(shapeValue); it must list integers in 0..<2^63")
            }
            guard let offsets = offsetValue as? [Int], offsets.count == 2 else {
                throw fail("tensor '\(name)' has data_offsets \(offsetValue); they must be two integers below 2^63")
            }
            let begin = offsets[0], end = offsets[1]
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw fail("tensor '\(name)' lies at bytes \(begin)..<\(end), past the data section of \(dataCount) bytes (truncated?)")
            }
            guard let expected = checkedByteCount(shape, dtype) else {
                throw fail("tensor '\(name)' of shape \(shape) \(dtype.rawValue) has more bytes than any file can hold")
            }
            guard end - begin == expected else {
                throw fail("tensor '\(name)' of shape \(shape) \(dtype.rawValue) needs \(expected) bytes, has \(end - begin)")
            }
            infos.append(TensorInfo(name: name, dtype: dtype, shape: shape, range: begin..<end))
        }
        infos.sort { ($0.range.lowerBound, $0.name) < ($1.range.lowerBound, $1.name) }
        self.metadata = metadata
        self.tensors = infos
        self.data = Array(bytes[dataStart...])
        self.index = Dictionary(uniqueKeysWithValues: infos.enumerated().map { ($1.name, $0) })
    }

    /// The tensor's values as Float32 (F32 read as is; F16, BF16 and F64 converted).
    public func floats(_ name: String) throws -> [Float] {
        guard let t = self[name] else { throw SafeTensorsError("safetensors: no tensor named '\(name)'") }
        guard [.f32, .f64, .f16, .bf16].contains(t.dtype) else {
            throw SafeTensorsError("safetensors: tensor '\(name)' has dtype \(t.dtype.rawValue), not a float type")
        }
        return data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + t.range.lowerBound
            func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                T(littleEndian: base.loadUnaligned(fromByteOffset: MemoryLayout<T>.size * i, as: T.self))
            }
            switch t.dtype {
            case .f64: return (0..<t.count).map { Float(Double(bitPattern: load($0, UInt64.self))) }
            case .f16: return (0..<t.count).map { Float(Float16(bitPattern: load($0, UInt16.self))) }
            case .bf16: return (0..<t.count).map { Float(bitPattern: UInt32(load($0, UInt16.self)) << 16) }
            default: return (0..<t.count).map { Float(bitPattern: load($0, UInt32.self)) }
            }
        }
    }

    /// Raw bytes of one tensor.
    public func bytes(_ name: String) throws -> ArraySlice<UInt8> {
        guard let t = self[name] else { throw SafeTensorsError("safetensors: no tensor named '\(name)'") }
        return data[t.range]
    }
}

/// Builds a canonical safetensors file. A tensor's bytes are either copied in (`add(…bytes:)`,
/// `add(…floats:)`) or borrowed from memory the caller keeps valid and unchanged until the
/// last `encode` returns (`add(…borrowingFloats:)`): a checkpoint of a 135M-parameter model
/// then streams to disk without a second in-memory copy.
public struct SafeTensorsWriter {
    private enum Payload {
        case owned([UInt8])
        case borrowed(UnsafeRawBufferPointer)
        var count: Int { switch self { case .owned(let b): b.count; case .borrowed(let p): p.count } }
        func write(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
            switch self {
            case .owned(let b): try b.withUnsafeBytes { try sink($0) }
            case .borrowed(let p):
                // 64 MiB pieces keep each write (and a sink that hashes or compresses) bounded.
                var at = 0
                while at < p.count {
                    let n = Swift.min(1 << 26, p.count - at)
                    try sink(UnsafeRawBufferPointer(rebasing: p[at..<(at + n)]))
                    at += n
                }
            }
        }
    }
    private var entries: [String: (DType, [Int], Payload)] = [:]
    public var metadata: [String: String] = [:]

    public init(metadata: [String: String] = [:]) { self.metadata = metadata }

    public mutating func add(_ name: String, dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        try check(name, dtype, shape, bytes.count)
        entries[name] = (dtype, shape, .owned(bytes))
    }

    /// Adds F32 values without copying them: `values` must stay valid and unchanged until the
    /// last `encode` of this writer returns. (Little-endian hosts only, as every target of graft.)
    public mutating func add(_ name: String, shape: [Int], borrowingFloats values: UnsafePointer<Float>, count: Int) throws {
        #if _endian(big)
        try add(name, shape: shape, floats: Array(UnsafeBufferPointer(start: values, count: count)))
        #else
        try check(name, .f32, shape, count * 4)
        entries[name] = (.f32, shape, .borrowed(UnsafeRawBufferPointer(start: values, count: count * 4)))
        #endif
    }

    private func check(_ name: String, _ dtype: DType, _ shape: [Int], _ byteCount: Int) throws {
        guard name != "__metadata__", entries[name] == nil else {
            throw SafeTensorsError("safetensors: tensor name '\(name)' used twice or reserved")
        }
        guard shape.allSatisfy({ $0 >= 0 }), let expected = checkedByteCount(shape, dtype), expected == byteCount else {
            throw SafeTensorsError("safetensors: tensor '\(name)' of shape \(shape) \(dtype.rawValue) does not hold \(byteCount) bytes")
        }
    }

    public mutating func add(_ name: String, shape: [Int], floats: [Float]) throws {
        var bytes = [UInt8](repeating: 0, count: floats.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in floats.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        try add(name, dtype: .f32, shape: shape, bytes: bytes)
    }

    public mutating func add(_ name: String, shape: [Int], ints: [Int32]) throws {
        var bytes = [UInt8](repeating: 0, count: ints.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in ints.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: 4 * i, as: Int32.self) }
        }
        try add(name, dtype: .i32, shape: shape, bytes: bytes)
    }

    /// The file's bytes: header keys sorted, tensors laid out in name order.
    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + 1024 + entries.values.reduce(0) { $0 + $1.2.count })
        encode { out.append(contentsOf: $0) }
        return out
    }

    /// The same bytes as `encode()`, handed to `write` piece by piece (header, then each
    /// tensor), so a large file can be streamed to disk without a second copy in memory.
    public func encode(into write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let names = entries.keys.sorted()
        var offset = 0
        var fields: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(m.joined(separator: ","))}")
        }
        for name in names {
            let (dtype, shape, bytes) = entries[name]!
            let shapeText = shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"data_offsets\":[\(offset),\(offset + bytes.count)],\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shapeText)]}")
            offset += bytes.count
        }
        // "__metadata__" sorts before any name that starts with a letter or digit; keep keys sorted overall.
        fields.sort()
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var prefix: [UInt8] = []
        var n = UInt64(header.count)
        for _ in 0..<8 { prefix.append(UInt8(n & 0xff)); n >>= 8 }
        prefix += header
        try prefix.withUnsafeBytes { try write($0) }
        for name in names { try entries[name]!.2.write(write) }
    }
}

/// shape's element count × the dtype's size, or nil where the product overflows Int.
func checkedByteCount(_ shape: [Int], _ dtype: DType) -> Int? {
    var total = dtype.byteSize
    for dim in shape {
        let (product, overflow) = total.multipliedReportingOverflow(by: dim)
        if overflow { return nil }
        total = product
    }
    return total
}
