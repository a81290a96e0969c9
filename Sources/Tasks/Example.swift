// The shared shape of task data: one prompt/label example, the three tasks, and the split
// helpers every generator uses (de-duplication keeping first occurrences, a seeded shuffle,
// and the test/train split that guarantees the two are disjoint).
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
/// (the paper's rule, METHOD §2.2). Because the pool has no repeats the splits are disjoint.
public func splitTrainTest<T>(_ pool: [T], testSize: Int, rng: inout SeededRNG) -> (train: [T], test: [T]) {
    var p = pool
    seededShuffle(&p, &rng)
    let nTest = min(p.count / 5, testSize)
    return (Array(p[nTest...]), Array(p[..<nTest]))
}

/// Error for impossible parameters (e.g. more distinct strings than exist).
public struct TaskParameterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
