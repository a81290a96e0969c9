// Labelled basis directions and vector spaces (tracr's craft/bases.py). A direction is a name
// plus an optional value (`tokens:(`, `one`); spaces keep their directions sorted in tracr's
// order: by name, then by value, falling back to the `name:value` text when Python could not
// compare the two values (e.g. a string with a number).
import RASP

public struct Direction: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: Value?

    public init(_ name: String, _ value: Value? = nil) {
        self.name = name
        self.value = value
    }

    /// tracr's label: `name` or `name:value`.
    public var description: String { value.map { "\(name):\($0.description)" } ?? name }
}

extension Direction: Comparable {
    public static func < (a: Direction, b: Direction) -> Bool {
        if a.name != b.name { return a.name.unicodeScalars.lexicographicallyPrecedes(b.name.unicodeScalars) }
        switch (a.value, b.value) {
        case (nil, nil): return false
        case (let x?, let y?):
            if let less = try? Value.pyLess(x, y) { return less }
            fallthrough
        default:
            return a.description.unicodeScalars.lexicographicallyPrecedes(b.description.unicodeScalars)
        }
    }
}

/// A set of directions in tracr's sorted order, with an index for lookups.
public struct Space: Sendable, Equatable {
    public private(set) var basis: [Direction]
    private var index: [Direction: Int]

    public init(_ directions: [Direction]) {
        let unique = Array(Set(directions)).sorted()
        basis = unique
        index = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1, $0) })
    }

    public init(name: String, values: [Value]) { self.init(values.map { Direction(name, $0) }) }

    public var count: Int { basis.count }
    public func position(of d: Direction) -> Int? { index[d] }
    public func contains(_ d: Direction) -> Bool { index[d] != nil }

    public static func == (a: Space, b: Space) -> Bool { a.basis == b.basis }

    /// The sorted union (tracr's join_vector_spaces).
    public static func join(_ spaces: [Space]) -> Space { Space(spaces.flatMap(\.basis)) }
}
