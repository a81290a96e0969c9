// Compiled-model inputs (METHOD §2.5 with DESIGN §5's int-sum fix): the LM token sequence of
// the supervised text, each LM token mapped to a compiled-vocabulary token (a compiled `bos`
// is prepended, so LM position t ↔ compiled position t + 1), built against a small tokenizer
// protocol so the real BPE tokenizer and tiny test tokenizers both fit. Two rules beyond the
// paper's table: the fixed question maps to the filler, and the answer anchor moves onto a
// lone space that follows it (where the LM predicts the first answer digit).
import JSONText

/// What alignment needs from an LM tokenizer.
public protocol TextTokenizer {
    func encode(_ text: String) -> [Int]
    func decode(_ id: Int) -> String
    /// An equal tokenizer for one thread at a time (e.g. with an unlocked cache of its own), for
    /// loops that encode millions of texts in parallel. The default is the tokenizer itself.
    func forOneThread() -> any TextTokenizer
}

extension TextTokenizer {
    public func forOneThread() -> any TextTokenizer { self }
}

/// The compiled vocabularies of METHOD §1.1 (without bos/pad).
public func compiledVocabulary(_ task: TaskKind) -> [String] {
    switch task {
    case .dyck: ["(", ")", "[", "]", "{", "}", " ", "compute"]
    case .count: (0..<120).map(String.init) + ["yes", "no", "count"]
    case .sum: (0..<10).map(String.init) + ["+", "=", " "]
    }
}

/// Compiled model input limits (max_seq_len of pipeline.json's compile stages), not counting
/// bos. Dyck is 48 rather than the paper's 40: with SmolLM2 a Dyck text is up to 42 LM tokens.
public func compiledMaxLength(_ task: TaskKind) -> Int {
    switch task { case .dyck: 48; case .count: 120; case .sum: 16 }
}

/// The fixed question before the variable part of every prompt; its LM tokens always map to
/// the filler (count's question contains the token `x`, which would otherwise count as `yes`).
public func fixedPromptPrefix(_ task: TaskKind) -> String {
    switch task {
    case .dyck: Dyck.question
    case .count: Count.question
    case .sum: ""
    }
}

/// One example's compiled inputs.
public struct CompiledInput: Sendable, Equatable {
    public var lmTokens: [Int]
    public var compiledTokens: [String]       // starts with "bos"
    public var lmToCompiled: [Int]            // lmToCompiled[t] = compiled position of LM token t
    /// LM tokens of the prompt alone; the answer is lmTokens[promptTokens...].
    public var promptTokens: Int
    public init(lmTokens: [Int], compiledTokens: [String], lmToCompiled: [Int], promptTokens: Int) {
        self.lmTokens = lmTokens; self.compiledTokens = compiledTokens
        self.lmToCompiled = lmToCompiled; self.promptTokens = promptTokens
    }
}

public struct AlignmentError: Error, CustomStringConvertible {
    public let description: String
}

/// LM token id → compiled token for one task, with a filler for every other id.
public struct TokenTranslator: Sendable {
    public let task: TaskKind
    public let table: [Int: String]
    public let filler: String
    /// LM ids of the fixed question (`fixedPromptPrefix`).
    public let prefixTokens: [Int]
    /// The id of a lone " " token, if the tokenizer has one.
    public let loneSpace: Int?
    /// `answerAnchor(task)`, or nil when reproducing the paper's sum table (it has no `=`).
    public let anchor: (anchor: String, replacement: String)?

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

    /// The compiled token at which the program writes the first answer digit (final_result at
    /// anchor + i is digit i), and what the prompt's last token becomes when the anchor moves
    /// onto the lone space after it. Dyck answers with one token at the anchor: no move.
    public static func answerAnchor(_ task: TaskKind) -> (anchor: String, replacement: String)? {
        switch task {
        case .sum: ("=", " ")
        case .count: ("count", "no")
        case .dyck: nil
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
        let space = tokenizer.encode(" ")
        loneSpace = space.count == 1 ? space[0] : nil
        if task == .sum && !paperSumBug, let s = loneSpace, table[s] == nil {
            // The space before a digit is a token of its own in SmolLM2; it maps to compiled " ".
            table[s] = " "
        }
        guard missing.isEmpty else {
            throw AlignmentError(description: "\(task.rawValue) alignment: \(missing.joined(separator: ", ")) is not a single LM token in any of the forms s, \" s\", \"s \"; apply the task's tokenizer surgery (METHOD §2.3) or choose another tokenizer")
        }
        self.task = task
        self.table = table
        self.filler = filler
        prefixTokens = tokenizer.encode(fixedPromptPrefix(task))
        anchor = paperSumBug ? nil : Self.answerAnchor(task)
    }

    /// The compiled input of `prompt + " " + label`. The prompt's tokens must be a prefix of
    /// the text's, and the fixed question's a prefix of the prompt's (else an error naming the
    /// string). Sum and count: when the prompt ends in the anchor and the answer starts with a
    /// lone space (SmolLM2 splits " 604" into " ", "6", "0", "4"), the anchor moves onto that
    /// space, so final_result holds answer digit i at the LM position that predicts it, and the
    /// space is counted with the prompt (`promptTokens`): the answer is the digits. GPT-2 fuses the
    /// space into the first digit (" 6"), so the paper never asks for a lone space either; asked,
    /// it would be predicted where final_result is the zero vector, and under detach-and-roll
    /// only that absence would tell it from a digit.
    public func compiledInput(for example: Example, tokenizer: some TextTokenizer) throws -> CompiledInput {
        let ids = tokenizer.encode(example.text)
        let promptIDs = tokenizer.encode(example.prompt)
        guard ids.starts(with: promptIDs) else {
            throw AlignmentError(description: "\(task.rawValue) alignment: the LM tokens of the prompt \(jsonString(example.prompt)) are not a prefix of the tokens of its text \(jsonString(example.text)); the answer tokens cannot be located")
        }
        let prefix = fixedPromptPrefix(task)
        guard example.prompt.hasPrefix(prefix), ids.starts(with: prefixTokens) else {
            throw AlignmentError(description: "\(task.rawValue) alignment: the fixed question \(jsonString(prefix)) does not tokenize to a prefix of the prompt \(jsonString(example.prompt)); it cannot be mapped to the filler")
        }
        var compiled = ids.map { table[$0] ?? filler }
        for i in prefixTokens.indices { compiled[i] = filler }
        var promptTokens = promptIDs.count
        let p = promptTokens
        if let (anchor, replacement) = anchor {
            guard p > 0, compiled[p - 1] == anchor else {
                throw AlignmentError(description: "\(task.rawValue) alignment: the prompt \(jsonString(example.prompt)) does not end in a token that maps to the answer anchor \"\(anchor)\"")
            }
            if p < ids.count, ids[p] == loneSpace {
                compiled[p - 1] = replacement
                compiled[p] = anchor
                // The lone space is given, not asked: it joins the prompt's tokens, so every answer
                // token is a digit that final_result holds where the LM predicts it.
                promptTokens = p + 1
            }
        }
        return CompiledInput(lmTokens: ids, compiledTokens: ["bos"] + compiled, lmToCompiled: ids.indices.map { $0 + 1 },
                             promptTokens: promptTokens)
    }

    /// The alignment rules of this task as data-card lines.
    public var choices: [String] {
        var lines = ["alignment: the LM tokens of the fixed question \(jsonString(fixedPromptPrefix(task))) map to the filler \"\(filler)\" (the paper's table maps every token; SmolLM2 splits count's 'x' so the question's x would count as one more yes)"]
        if let (anchor, replacement) = anchor {
            lines.append("alignment: the answer anchor \"\(anchor)\" moves from the prompt's last token (which becomes \"\(replacement)\") onto the lone space token that starts the answer, when there is one: SmolLM2 tokenizes \" 604\" as \" \", \"6\", \"0\", \"4\" (GPT-2: \" 6\", \"0\", \"4\"), so the LM predicts the first digit at the lone space, where final_result now holds it")
            lines.append("alignment: that lone space is part of the prompt's tokens (prompt_tokens counts it), so the answer tokens are the label's digits: the paper's GPT-2 fuses the space into the first digit and never asks for it alone")
        }
        return lines
    }
}
