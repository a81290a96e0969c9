// Compiled-model inputs (METHOD §2.5 with DESIGN §5's int-sum fix): the LM token sequence of
// the supervised text, each LM token mapped to a compiled-vocabulary token (a compiled `bos`
// is prepended, so LM position t ↔ compiled position t + 1), built against a small tokenizer
// protocol so the real BPE tokenizer and tiny test tokenizers both fit.

/// What alignment needs from an LM tokenizer.
public protocol TextTokenizer {
    func encode(_ text: String) -> [Int]
    func decode(_ id: Int) -> String
}

/// The compiled vocabularies of METHOD §1.1 (without bos/pad).
public func compiledVocabulary(_ task: TaskKind) -> [String] {
    switch task {
    case .dyck: ["(", ")", "[", "]", "{", "}", " ", "compute"]
    case .count: (0..<120).map(String.init) + ["yes", "no", "count"]
    case .sum: (0..<10).map(String.init) + ["+", "=", " "]
    }
}

/// Compiled model input limits (max_seq_len, METHOD §1.1), not counting bos.
public func compiledMaxLength(_ task: TaskKind) -> Int {
    switch task { case .dyck: 40; case .count: 120; case .sum: 16 }
}

/// One example's compiled inputs.
public struct CompiledInput: Sendable, Equatable {
    public var lmTokens: [Int]
    public var compiledTokens: [String]       // starts with "bos"
    public var lmToCompiled: [Int]            // lmToCompiled[t] = compiled position of LM token t
}

public struct AlignmentError: Error, CustomStringConvertible {
    public let description: String
}

/// LM token id → compiled token for one task, with a filler for every other id.
public struct TokenTranslator: Sendable {
    public let task: TaskKind
    public let table: [Int: String]
    public let filler: String

    /// Important strings and the compiled token each maps to, and the filler (METHOD §2.5;
    /// sum maps `+` and `=` unless `paperSumBug` reproduces the authors' digits-only table).
    public static func importantStrings(_ task: TaskKind, paperSumBug: Bool = false) -> (pairs: [(String, String)], filler: String) {
        let digits = (0..<10).map { (String($0), String($0)) }
        switch task {
        case .sum: return (paperSumBug ? digits : digits + [("+", "+"), ("=", "=")], "+")
        case .dyck: return (["(", ")", "[", "]", "{", "}"].map { ($0, $0) } + [(":", "compute")], " ")
        case .count: return (digits + [("x", "yes"), (":", "count")], "no")
        }
    }

    /// For each important string s, the variants s, " " + s, s + " " that are one LM token are
    /// mapped; a string with no single-token variant is an error naming it.
    public init(task: TaskKind, tokenizer: some TextTokenizer, paperSumBug: Bool = false) throws {
        let (pairs, filler) = Self.importantStrings(task, paperSumBug: paperSumBug)
        var table: [Int: String] = [:]
        var missing: [String] = []
        for (s, c) in pairs {
            var any = false
            for v in [s, " " + s, s + " "] {
                let ids = tokenizer.encode(v)
                if ids.count == 1 { table[ids[0]] = c; any = true }
            }
            if !any { missing.append("\"\(s)\"") }
        }
        if task == .sum && !paperSumBug {
            // The space before a digit is a token of its own in SmolLM2; it maps to compiled " ".
            let ids = tokenizer.encode(" ")
            if ids.count == 1 && table[ids[0]] == nil { table[ids[0]] = " " }
        }
        guard missing.isEmpty else {
            throw AlignmentError(description: "\(task.rawValue) alignment: \(missing.joined(separator: ", ")) is not a single LM token in any of the forms s, \" s\", \"s \"; apply the task's tokenizer surgery (METHOD §2.3) or choose another tokenizer")
        }
        self.task = task
        self.table = table
        self.filler = filler
    }

    public func compiledInput(for text: String, tokenizer: some TextTokenizer) -> CompiledInput {
        let ids = tokenizer.encode(text)
        return CompiledInput(lmTokens: ids, compiledTokens: ["bos"] + ids.map { table[$0] ?? filler },
                             lmToCompiled: ids.indices.map { $0 + 1 })
    }
}
