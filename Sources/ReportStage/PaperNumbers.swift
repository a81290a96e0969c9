// The paper's published numbers (Vergara-Browne & Soto 2025, Tables 2 and 3; METHOD §9), as
// fractions, for the "paper" columns beside graft's. These are the paper's results on
// GPT-2-large, never graft's: every table that shows them labels the column "paper".

public struct PaperRow: Sendable {
    public var accuracy: Double, perplexity: Double, sst2: Double, mrpc: Double, lambada: Double
}

/// Table 3 of the paper, by task and method.
public func paperTable3(_ key: RunKey) -> PaperRow {
    switch (key.task, key.method) {
    case (.dyck, .none): PaperRow(accuracy: 0.000, perplexity: 569.7, sst2: 0.674, mrpc: 0.637, lambada: 0.588)
    case (.dyck, .baseline): PaperRow(accuracy: 1.000, perplexity: 569.3, sst2: 0.651, mrpc: 0.588, lambada: 0.588)
    case (.dyck, .injection): PaperRow(accuracy: 0.999, perplexity: 569.9, sst2: 0.752, mrpc: 0.667, lambada: 0.588)
    case (.sum, .none): PaperRow(accuracy: 0.001, perplexity: 569.7, sst2: 0.674, mrpc: 0.637, lambada: 0.588)
    case (.sum, .baseline): PaperRow(accuracy: 0.997, perplexity: 570.1, sst2: 0.672, mrpc: 0.662, lambada: 0.587)
    case (.sum, .injection): PaperRow(accuracy: 0.950, perplexity: 572.4, sst2: 0.650, mrpc: 0.659, lambada: 0.589)
    case (.count, .none): PaperRow(accuracy: 0.000, perplexity: 569.7, sst2: 0.674, mrpc: 0.637, lambada: 0.588)
    case (.count, .baseline): PaperRow(accuracy: 0.998, perplexity: 571.2, sst2: 0.710, mrpc: 0.618, lambada: 0.587)
    case (.count, .injection): PaperRow(accuracy: 0.992, perplexity: 571.4, sst2: 0.640, mrpc: 0.657, lambada: 0.588)
    }
}

/// One out-of-distribution set: graft's name (generate-data's `set`), the paper's row title, and
/// the paper's accuracies for Tracr Injection and Finetuning + KL (Table 2).
public struct PaperOODSet: Sendable {
    public var set: String, title: String, injection: Double, baseline: Double
}

public func paperTable2(_ task: TaskName) -> [PaperOODSet] {
    switch task {
    case .sum: [
        PaperOODSet(set: "cascading_overflow", title: "Cascading Overflow", injection: 0.478, baseline: 0.491),
        PaperOODSet(set: "length_ood", title: "4 digit sums", injection: 0.009, baseline: 0.066),
        PaperOODSet(set: "decimals", title: "Decimals", injection: 0.000, baseline: 0.000),
    ]
    case .dyck: [
        PaperOODSet(set: "almost_balanced", title: "almost-balanced examples", injection: 0.966, baseline: 0.7528),
        PaperOODSet(set: "length_ood", title: "3x length", injection: 0.985, baseline: 0.886),
        PaperOODSet(set: "ood_new_token", title: "Additional parentheses family", injection: 0.991, baseline: 0.843),
    ]
    case .count: [
        PaperOODSet(set: "x_only", title: "X only data", injection: 0.219, baseline: 0.333),
        PaperOODSet(set: "length_ood", title: "3x length", injection: 0.028, baseline: 0.035),
        PaperOODSet(set: "replace_y", title: "Replace y → z", injection: 0.046, baseline: 0.030),
    ]
    }
}

/// What the paper says about its setting, printed under the tables.
public let paperSetting = "Paper: GPT-2-large, 80,000 steps of batch 12+12, 4,000-example test sets, Tiny-Shakespeare perplexity (mean of per-line perplexities). graft: SmolLM2-135M-Instruct on the CPU with the profile named above; its perplexity is on graft's Shakespeare stand-in, so only the change between methods is comparable with the paper's, not the level."

/// How graft's accuracy cells read.
public let accuracyLegend = "Each graft accuracy is given with its 95 % interval (Wilson) and the number of examples it was measured on. For the fine-tuned rows, \"↑ vs no editing\" / \"↓ vs no editing\" mark a difference from the untouched model whose 95 % interval (Newcombe) excludes zero; \"n.s. vs no editing\" marks one that is not significant at that level, whatever its size."
