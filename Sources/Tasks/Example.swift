// The shared shape of task data: one prompt/label example, the three tasks, and the split
// helpers every generator uses (de-duplication keeping first occurrences, a seeded shuffle,
// and the test/train split that guarantees the two are disjoint).
import Foundation
import Support

/// The three algorithmic tasks of the paper (METHOD §2).
public enum TaskKind: String, Sendable, CaseIterable, Codable {
    case dyck, count, sum
}

/// One example: the prompt as the LM sees it and the label string (without the leading space;
/// the supervised text is `prompt + " " + label`, METHOD §2.1).
public struct Example: Sendable, Hashable, Codable {
    public var prompt: String
    public var label: String
    public init(prompt: String, label: String) {
        self.prompt = prompt
        self.label = label
    }
    /// The full supervised text.
    public var text: String { prompt + " " + label }
}

/// A generated task data set: training and test splits plus named out-of-distribution sets.
public struct TaskData: Sendable {
    public var task: TaskKind
    public var train: [Example]
    public var test: [Example]
    /// OOD sets in a fixed order (name, examples).
    public var ood: [(name: String, examples: [Example])]
    /// Facts for the data card: pool sizes, duplicates removed, overlaps removed, choices made.
    public var notes: GenerationNotes
}

/// Counts and choices recorded in the data card.
public struct GenerationNotes: Sendable, Codable, Equatable {
    public var generated = 0
    public var duplicatesRemoved = 0
    /// Per OOD set: how many candidates were dropped because they occur in the training set.
    public var oodOverlapRemoved: [String: Int] = [:]
    /// Per OOD set: how many of its examples also occur in the training set (kept on purpose).
    public var oodOverlapKept: [String: Int] = [:]
    /// Human-readable choices (paper description vs authors' code), one line each.
    public var choices: [String] = []
    public init() {}
}

/// Fisher–Yates shuffle driven by the seeded generator (never the system RNG).
public func seededShuffle<T>(_ a: inout [T], _ rng: inout SeededRNG) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
        let j = rng.below(i + 1)
        if i != j { a.swapAt(i, j) }
    }
}

/// Keeps the first occurrence of every distinct element; returns (unique, removed count).
public func deduplicated<T: Hashable>(_ items: [T]) -> (unique: [T], removed: Int) {
    var seen = Set<T>(minimumCapacity: items.count)
    var out: [T] = []
    out.reserveCapacity(items.count)
    for x in items where seen.insert(x).inserted { out.append(x) }
    return (out, items.count - out.count)
}

/// Shuffles a de-duplicated pool and takes `min(20 %, testSize)` as test, the rest as train
/// (the paper's rule, METHOD §2.2). Because the pool has no repeats the splits are disjoint. When
/// the 20 % bound takes fewer than asked, a line in `notes.choices` (the data card) and on
/// standard error says so, with the numbers.
public func splitTrainTest<T>(_ pool: [T], testSize: Int, rng: inout SeededRNG, notes: inout GenerationNotes,
                              task: TaskKind) -> (train: [T], test: [T]) {
    var p = pool
    seededShuffle(&p, &rng)
    let nTest = min(p.count / 5, testSize)
    if nTest < testSize {
        let line = "\(task.rawValue): test set of \(nTest), not the \(testSize) asked: the paper's rule takes at most 20 % of the \(p.count) distinct examples (raise --pool for more)"
        notes.choices.append(line)
        FileHandle.standardError.write(Data(("generate-data: " + line + "\n").utf8))
    }
    return (Array(p[nTest...]), Array(p[..<nTest]))
}

/// Error for impossible parameters (e.g. more distinct strings than exist).
public struct TaskParameterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

extension TaskKind {
    /// Why `prompt`/`label` cannot be an example of this task (its fixed question, the sum's form,
    /// the label's alphabet), or nil. Readers check every row, so data of one task given with
    /// another task's flag fails at the file and line instead of scoring under the wrong name.
    public func problem(prompt: String, label: String) -> String? {
        func isNumber(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } }
        let shown = prompt.count > 48 ? String(prompt.prefix(48)) + "…" : prompt
        switch self {
        case .dyck:
            guard prompt.hasPrefix(Dyck.question + " "), prompt.hasSuffix("\nAnswer:") else {
                return "prompt \"\(shown)\" is not a dyck prompt (\"\(Dyck.question) …\\nAnswer:\"); is --task right?"
            }
            guard label == "yes" || label == "no" else { return "dyck label \"\(label)\" is neither yes nor no" }
        case .count:
            guard prompt.hasPrefix(Count.question + " "), prompt.hasSuffix("\nAnswer:") else {
                return "prompt \"\(shown)\" is not a count prompt (\"\(Count.question) …\\nAnswer:\"); is --task right?"
            }
            guard isNumber(label) else { return "count label \"\(label)\" is not a number" }
        case .sum:
            let parts = prompt.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 4, isNumber(String(parts[0])), parts[1] == "+", isNumber(String(parts[2])), parts[3] == "=" else {
                return "prompt \"\(shown)\" is not a sum prompt (\"A + B =\"); is --task right?"
            }
            guard isNumber(label) else { return "sum label \"\(label)\" is not a number" }
        }
        return nil
    }
}
