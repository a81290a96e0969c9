// The data card of a generated task data set: parameters, sizes, label balance, length
// histograms, duplicates and overlaps removed, the paper-vs-code choices, and (for corpora)
// sources. Written as canonical JSON (sorted keys via JSONEncoder) and as Markdown.
import Foundation

public struct SetSummary: Codable, Sendable, Equatable {
    public var name: String
    public var examples: Int
    /// label → count, sorted by label.
    public var labels: [String: Int]
    /// Prompt length in characters, bucketed by 10: "0-9" → count.
    public var promptLengths: [String: Int]
    /// Examples longer than the compiled model's max_seq_len (OOD only; they carry no compiled fields).
    public var compiledTooLong: Int?
}

public struct TaskDataCard: Codable, Sendable, Equatable {
    public var format = "graft-task-data-card"
    public var version = 1
    public var task: String
    public var profile: String
    public var seed: UInt64
    public var sizes: TaskSizes
    public var options: OODOptions
    public var generated: Int
    public var duplicatesRemoved: Int
    public var oodOverlapRemoved: [String: Int]
    public var oodOverlapKept: [String: Int]
    public var choices: [String]
    public var sets: [SetSummary]
    public var tokenizer: String?
}

public func summarize(_ name: String, _ examples: [Example], compiledTooLong: Int? = nil, task: TaskKind) -> SetSummary {
    var labels: [String: Int] = [:]
    var lengths: [Int: Int] = [:]
    for e in examples {
        labels[e.label, default: 0] += 1
        lengths[e.prompt.count / 10, default: 0] += 1
    }
    var hist: [String: Int] = [:]
    for (b, n) in lengths { hist[String(format: "%03d-%03d", b * 10, b * 10 + 9)] = n }
    return SetSummary(name: name, examples: examples.count, labels: labels, promptLengths: hist, compiledTooLong: compiledTooLong)
}

public func makeCard(_ d: TaskData, profile: String, seed: UInt64, sizes: TaskSizes, options: OODOptions,
                     compiledTooLong: [String: Int]? = nil, tokenizer: String? = nil) -> TaskDataCard {
    var sets = [summarize("train", d.train, compiledTooLong: compiledTooLong?["train"], task: d.task),
                summarize("test", d.test, compiledTooLong: compiledTooLong?["test"], task: d.task)]
    for (n, ex) in d.ood { sets.append(summarize("ood/" + n, ex, compiledTooLong: compiledTooLong?["ood/" + n], task: d.task)) }
    return TaskDataCard(task: d.task.rawValue, profile: profile, seed: seed, sizes: sizes, options: options,
                        generated: d.notes.generated, duplicatesRemoved: d.notes.duplicatesRemoved,
                        oodOverlapRemoved: d.notes.oodOverlapRemoved, oodOverlapKept: d.notes.oodOverlapKept,
                        choices: d.notes.choices, sets: sets, tokenizer: tokenizer)
}

/// Canonical JSON (sorted keys, pretty) of any card.
public func canonicalJSON(_ value: some Encodable) throws -> [UInt8] {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return Array(try enc.encode(value)) + [10]
}

public func markdown(_ c: TaskDataCard) -> String {
    var s = "# Data card: \(c.task) (profile \(c.profile), seed \(c.seed))\n\n"
    s += "- generated before de-duplication: \(c.generated)\n- duplicates removed: \(c.duplicatesRemoved)\n"
    for (k, v) in c.oodOverlapRemoved.sorted(by: { $0.key < $1.key }) { s += "- OOD \(k): \(v) candidates dropped because they occur in train/test\n" }
    for (k, v) in c.oodOverlapKept.sorted(by: { $0.key < $1.key }) { s += "- OOD \(k): \(v) examples also in train (kept, as in the paper)\n" }
    for ch in c.choices { s += "- choice: \(ch)\n" }
    if let t = c.tokenizer { s += "- tokenizer: \(t)\n" }
    s += "\n| set | examples | labels (top 5) | prompt length histogram (chars) | compiled too long |\n|---|---|---|---|---|\n"
    for set in c.sets {
        let labels = set.labels.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
            .map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let hist = set.promptLengths.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        s += "| \(set.name) | \(set.examples) | \(labels) | \(hist) | \(set.compiledTooLong.map(String.init) ?? "–") |\n"
    }
    return s
}
