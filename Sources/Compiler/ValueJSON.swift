// RASP values as JSON values, for the compiled model's metadata and `compile-rasp eval`'s
// lines. A float stays a double and an integer an int; written with doubles: .keepingKind,
// 1.0 and 1 keep their different spellings and read back as the values they were.
import JSONText
import RASP

// RASP.Value is spelled out: inside this extension a bare `Value` is the dictionary-literal
// element type of JSONValue.
extension JSONValue {
    /// A RASP value as JSON (None → null).
    public init(rasp v: RASP.Value?) {
        switch v {
        case nil: self = .null
        case .bool(let b)?: self = .bool(b)
        case .int(let i)?: self = .int(Int64(i))
        case .float(let f)?: self = .double(f)
        case .string(let s)?: self = .string(s)
        }
    }

    /// The RASP value this JSON holds (nil for null, arrays and objects).
    public var raspValue: RASP.Value? {
        switch self {
        case .bool(let b): .bool(b)
        case .int(let i): .int(Int(i))
        case .double(let f): .float(f)
        case .string(let s): .string(s)
        default: nil
        }
    }
}
