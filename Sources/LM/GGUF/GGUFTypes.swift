// The vocabulary of the GGUF format: metadata value types, ggml tensor types (with block sizes,
// for every type llama.cpp defines, so that an unsupported one is named in the error), and the
// metadata value itself with typed accessors whose errors name the key.

public struct GGUFError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Metadata value type codes (GGUF spec).
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12
}

/// One metadata value. Integers keep their width only through `type`; arrays are homogeneous.
public indirect enum GGUFValue: Sendable, Equatable {
    case int(Int64, GGUFValueType)      // every signed/unsigned integer type except uint64 above Int64.max
    case uint64(UInt64)
    case float(Double, GGUFValueType)   // float32 or float64
    case bool(Bool)
    case string(String)
    case array([GGUFValue], GGUFValueType)   // elements and their type

    public var type: GGUFValueType {
        switch self {
        case .int(_, let t), .float(_, let t): t
        case .uint64: .uint64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }
}

/// ggml tensor types. Only the ones `GGUFDequantize` decodes are supported; the rest are listed
/// so that errors can name them.
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_XXS = 16, iq2_XS = 17, iq3_XXS = 18, iq1_S = 19, iq4_NL = 20, iq3_S = 21, iq2_S = 22
    case iq4_XS = 23, i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_M = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35

    public var name: String { String(describing: self).uppercased() }

    /// Types this reader dequantises to Float32.
    public static let supported: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1]
    public var isSupported: Bool { Self.supported.contains(self) }

    /// (elements per block, bytes per block) for the supported types.
    public var block: (elements: Int, bytes: Int)? {
        switch self {
        case .f32: (1, 4)
        case .f16, .bf16: (1, 2)
        case .q8_0: (32, 34)    // f16 scale, 32 × int8
        case .q4_0: (32, 18)    // f16 scale, 16 bytes of nibbles
        case .q4_1: (32, 20)    // f16 scale, f16 minimum, 16 bytes of nibbles
        default: nil
        }
    }
}

/// The key → value table of a GGUF file, with accessors that fail naming the key and file.
public struct GGUFMetadata: Sendable {
    public let values: [String: GGUFValue]
    public let keys: [String]          // in file order
    let source: String                 // file path, for messages

    public subscript(key: String) -> GGUFValue? { values[key] }

    private func missing(_ key: String) -> GGUFError {
        GGUFError("\(source): metadata key '\(key)' is missing")
    }
    private func wrong(_ key: String, _ want: String, _ got: GGUFValue) -> GGUFError {
        GGUFError("\(source): metadata key '\(key)' should be \(want), is \(got.type)")
    }

    public func int(_ key: String) throws -> Int {
        guard let v = values[key] else { throw missing(key) }
        switch v {
        case .int(let x, _): return Int(x)
        case .uint64(let x) where x <= UInt64(Int.max): return Int(x)
        default: throw wrong(key, "an integer", v)
        }
    }
    public func float(_ key: String) throws -> Double {
        guard let v = values[key] else { throw missing(key) }
        switch v {
        case .float(let x, _): return x
        case .int(let x, _): return Double(x)
        default: throw wrong(key, "a number", v)
        }
    }
    public func bool(_ key: String) throws -> Bool {
        guard let v = values[key] else { throw missing(key) }
        guard case .bool(let b) = v else { throw wrong(key, "a bool", v) }
        return b
    }
    public func string(_ key: String) throws -> String {
        guard let v = values[key] else { throw missing(key) }
        guard case .string(let s) = v else { throw wrong(key, "a string", v) }
        return s
    }
    public func strings(_ key: String) throws -> [String] {
        guard let v = values[key] else { throw missing(key) }
        guard case .array(let items, .string) = v else { throw wrong(key, "an array of strings", v) }
        return items.map { if case .string(let s) = $0 { s } else { "" } }
    }
    public func ints(_ key: String) throws -> [Int] {
        guard let v = values[key] else { throw missing(key) }
        guard case .array(let items, let t) = v, t != .string, t != .array, t != .float32, t != .float64, t != .bool else {
            throw wrong(key, "an array of integers", v)
        }
        return items.map {
            switch $0 {
            case .int(let x, _): Int(x)
            case .uint64(let x): Int(truncatingIfNeeded: x)
            default: 0
            }
        }
    }
}
