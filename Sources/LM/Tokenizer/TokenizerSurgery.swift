// Tokenizer surgery (METHOD.md §2.3): a per-task tokenizer is the same vocabulary (ids
// unchanged) with some merge rules removed, e.g. every merge that produces a multi-digit number
// (int-sum) or every merge with a single bracket on one side (shuffle-Dyck).

/// One merge rule as the predicates see it: byte-level sides and the plain text of each side.
public struct MergeRule: Sendable {
    public let left: String, right: String          // byte-level ('Ġ' for a space)
    public let leftText: String, rightText: String  // decoded text
    public var resultText: String { leftText + rightText }
}

/// Named surgeries, as the paper's tasks use them.
public enum MergeFilter: String, Sendable, CaseIterable {
    /// Drop merges whose result, stripped of spaces, is a digit string of length > 1.
    case multiDigit = "multi-digit"
    /// Drop merges where either side, without its spaces, is exactly one bracket character.
    case singleBracket = "single-bracket"

    public func removes(_ m: MergeRule) -> Bool {
        switch self {
        case .multiDigit:
            let s = m.resultText.trimmingSpaces
            return s.count > 1 && s.allSatisfy { $0.isASCII && $0.isNumber }
        case .singleBracket:
            let brackets: Set<Character> = ["(", ")", "[", "]", "{", "}"]
            func single(_ t: String) -> Bool {
                let s = t.filter { $0 != " " }
                return s.count == 1 && brackets.contains(s.first!)
            }
            return single(m.leftText) || single(m.rightText)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

extension BPETokenizer {
    /// The same tokenizer without the merges for which `remove` is true (token ids unchanged).
    public func removingMerges(where remove: (MergeRule) -> Bool) throws -> BPETokenizer {
        var v = vocabulary
        v.merges = vocabulary.merges.filter { m in
            let text = { (s: String) in String(decoding: ByteLevel.decode(s) ?? Array(s.utf8), as: UTF8.self) }
            return !remove(MergeRule(left: m.left, right: m.right, leftText: text(m.left), rightText: text(m.right)))
        }
        return try BPETokenizer(v)
    }

    /// The same tokenizer with the named surgeries applied.
    public func removingMerges(_ filters: [MergeFilter]) throws -> BPETokenizer {
        try removingMerges { m in filters.contains { $0.removes(m) } }
    }
}
