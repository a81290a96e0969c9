// The values RASP s-ops take at each position, with Python's semantics (as tracr's programs
// assume): booleans, integers and floats compare and hash as numbers (True == 1 == 1.0),
// strings only equal strings, `str()` renders like Python, and arithmetic follows Python's
// rules (floor division, sign of modulo, true division to float).

/// One value of an s-op at one position. `nil` (`Value?`) plays Python's `None`.
public enum Value: Sendable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    /// The numeric value, for bool/int/float; nil for strings.
    public var number: Double? {
        switch self {
        case .bool(let b): b ? 1 : 0
        case .int(let i): Double(i)
        case .float(let f): f
        case .string: nil
        }
    }

    /// Integer view of bools and ints (floats and strings give nil).
    public var integer: Int? {
        switch self {
        case .bool(let b): b ? 1 : 0
        case .int(let i): i
        default: nil
        }
    }

    public var isNumeric: Bool { number != nil }

    /// Python truthiness.
    public var truthy: Bool {
        switch self {
        case .bool(let b): b
        case .int(let i): i != 0
        case .float(let f): f != 0
        case .string(let s): !s.isEmpty
        }
    }

    /// Python's `str()` of the value (used in residual labels `name:value`).
    public var description: String {
        switch self {
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .float(let f): f.isNaN ? "nan" : (f.isInfinite ? (f < 0 ? "-inf" : "inf") : f.description)
        case .string(let s): s
        }
    }

    /// Python's `repr()`: strings quoted.
    public var repr: String {
        if case .string(let s) = self { return "'" + s + "'" }
        return description
    }

    /// The Python type name, for error messages.
    public var typeName: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        }
    }
}

extension Value: Hashable {
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.string, _), (_, .string): return false
        case (.float, _), (_, .float): return a.number! == b.number!
        default: return a.integer! == b.integer!
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .string(let s): h.combine(1); h.combine(s)
        case .float(let f):
            if f == f.rounded(), abs(f) < 9.0e18 { h.combine(0); h.combine(Int(f)) } else { h.combine(2); h.combine(f) }
        default: h.combine(0); h.combine(integer!)
        }
    }
}

/// An error while evaluating a function of values. Arithmetic errors (division by zero,
/// overflow) make a value undefined, as tracr ignores them; type errors stop the program.
public enum ValueError: Error, Sendable, CustomStringConvertible {
    case arithmetic(String)
    case type(String)

    public var description: String {
        switch self {
        case .arithmetic(let m): "arithmetic error: \(m)"
        case .type(let m): "type error: \(m)"
        }
    }
}

// MARK: - Python operators

extension Value {
    /// Python `<` (TypeError between strings and numbers).
    public static func pyLess(_ a: Value, _ b: Value) throws(ValueError) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.string, _), (_, .string):
            throw .type("'<' not supported between \(a.typeName) \(a.repr) and \(b.typeName) \(b.repr)")
        case (.float, _), (_, .float): return a.number! < b.number!
        default: return a.integer! < b.integer!
        }
    }

    public static func pyCompare(_ op: String, _ a: Value, _ b: Value) throws(ValueError) -> Bool {
        switch op {
        case "==": return a == b
        case "!=": return a != b
        case "<": return try pyLess(a, b)
        case ">": return try pyLess(b, a)
        case "<=": return try !pyLess(b, a)
        case ">=": return try !pyLess(a, b)
        default: throw .type("unknown comparison \(op)")
        }
    }

    private static func intResult(_ r: (partialValue: Int, overflow: Bool), _ op: String) throws(ValueError) -> Value {
        if r.overflow { throw .arithmetic("integer overflow in \(op)") }
        return .int(r.partialValue)
    }

    /// Python binary arithmetic: + - * / // % **.
    public static func pyArithmetic(_ op: String, _ a: Value, _ b: Value) throws(ValueError) -> Value {
        if case .string(let x) = a, case .string(let y) = b, op == "+" { return .string(x + y) }
        guard let x = a.number, let y = b.number else {
            throw .type("unsupported operand types for \(op): \(a.typeName) \(a.repr) and \(b.typeName) \(b.repr)")
        }
        if let i = a.integer, let j = b.integer {
            switch op {
            case "+": return try intResult(i.addingReportingOverflow(j), op)
            case "-": return try intResult(i.subtractingReportingOverflow(j), op)
            case "*": return try intResult(i.multipliedReportingOverflow(by: j), op)
            case "/":
                if j == 0 { throw .arithmetic("division by zero") }
                return .float(Double(i) / Double(j))
            case "//":
                if j == 0 { throw .arithmetic("integer division by zero") }
                var q = i / j
                if (i % j != 0) && ((i < 0) != (j < 0)) { q -= 1 }
                return .int(q)
            case "%":
                if j == 0 { throw .arithmetic("modulo by zero") }
                var r = i % j
                if r != 0 && ((r < 0) != (j < 0)) { r += j }
                return .int(r)
            case "**":
                if j < 0 { return .float(pow(Double(i), Double(j))) }
                // Exponentiation by squaring: at most 64 steps, overflow reported.
                var result = 1, base = i, e = j
                while e > 0 {
                    if e & 1 == 1 {
                        let m = result.multipliedReportingOverflow(by: base)
                        if m.overflow { throw .arithmetic("integer overflow in **") }
                        result = m.partialValue
                    }
                    e >>= 1
                    if e > 0 {
                        let b = base.multipliedReportingOverflow(by: base)
                        if b.overflow { throw .arithmetic("integer overflow in **") }
                        base = b.partialValue
                    }
                }
                return .int(result)
            default: throw .type("unknown operator \(op)")
            }
        }
        switch op {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/":
            if y == 0 { throw .arithmetic("float division by zero") }
            return .float(x / y)
        case "//":
            if y == 0 { throw .arithmetic("float floor division by zero") }
            return .float((x / y).rounded(.down))
        case "%":
            if y == 0 { throw .arithmetic("float modulo by zero") }
            var r = x.truncatingRemainder(dividingBy: y)
            if r != 0 && ((r < 0) != (y < 0)) { r += y }
            return .float(r)
        case "**": return .float(pow(x, y))
        default: throw .type("unknown operator \(op)")
        }
    }
}

/// x^y for doubles without Foundation.
func pow(_ x: Double, _ y: Double) -> Double {
    if y == y.rounded(), abs(y) < 64 {
        var r = 1.0
        for _ in 0..<Int(abs(y)) { r *= x }
        return y < 0 ? 1 / r : r
    }
    return exp(y * log(x))
}

private func exp(_ x: Double) -> Double {
    // exp by range reduction and a Taylor series; precise to a few ulps for |x| < 700.
    let k = (x / 0.6931471805599453).rounded()
    let r = x - k * 0.6931471805599453
    var term = 1.0, sum = 1.0
    for n in 1..<30 { term *= r / Double(n); sum += term }
    return sum * Double(sign: .plus, exponent: Int(k), significand: 1)
}

private func log(_ x: Double) -> Double {
    guard x > 0 else { return x == 0 ? -.infinity : .nan }
    let e = x.exponent
    let m = x.significand  // in [1, 2)
    let s = (m - 1) / (m + 1)
    var sum = 0.0, p = s
    var n = 1.0
    while n < 60 { sum += p / n; p *= s * s; n += 2 }
    return 2 * sum + Double(e) * 0.6931471805599453
}
