// Integer-sum data (METHOD §2.1–2.2, OOD sets §5.6): every pair 0 ≤ i, j < bound as
// `{i} + {j} =` → `{i+j}`; OOD sets: cascading overflow, 4-digit operands, two-decimal operands.
import Support

public enum IntSum {
    public static func example(_ a: String, _ b: String, _ sum: String) -> Example {
        Example(prompt: "\(a) + \(b) =", label: sum)
    }
    public static func example(_ i: Int, _ j: Int) -> Example { example(String(i), String(j), String(i + j)) }

    public struct OODOptions: Sendable, Codable, Equatable {
        /// Paper: "4 digit sums" = both operands have 4 digits (1000..9999); code: pairs from [0, 4500).
        public var fourDigitFollowsCode = false
        public init() {}
    }

    /// Cents as "I.CC".
    static func decimal(_ cents: Int) -> String {
        let c = cents % 100
        return "\(cents / 100).\(c < 10 ? "0" : "")\(c)"
    }

    public static func generate(sizes: TaskSizes, options: OODOptions = OODOptions(), seed: UInt64,
                                progress: Bool = false) throws -> TaskData {
        let bound = sizes.pool
        guard bound >= 3 else { throw TaskParameterError("sum: operand bound \(bound) must be at least 3") }
        let root = SeededRNG(seed: seed)
        var pairs: [(Int, Int)] = []
        pairs.reserveCapacity(bound * bound)
        for i in 0..<bound { for j in 0..<bound { pairs.append((i, j)) } }
        var notes = GenerationNotes()
        notes.generated = pairs.count
        var splitRNG = root.derived("sum/split")
        let (trainP, testP) = splitTrainTest(pairs, testSize: sizes.test, rng: &splitRNG, notes: &notes, task: .sum)
        let train = trainP.map { example($0.0, $0.1) }
        let trainSet = Set(train)

        // Cascading overflow: every (a, t − a), t ∈ {100, …, 900}, 0 ≤ a < t (paper and code agree);
        // pairs inside the training grid are kept and counted (METHOD §5.6).
        var cascade: [Example] = []
        for t in stride(from: 100, through: 900, by: 100) { for a in 0..<t { cascade.append(example(a, t - a)) } }
        notes.oodOverlapKept["cascading_overflow"] = cascade.filter { trainSet.contains($0) }.count

        var r2 = root.derived("sum/ood/four-digit")
        var four: [Example] = []
        var seen4 = Set<Example>()
        var removed4 = 0
        notes.choices.append("sum length_ood: " + (options.fourDigitFollowsCode ? "pairs uniform in [0, 4500)² (authors' code)" : "both operands uniform in 1000...9999 (paper: 4-digit sums)"))
        try fill(sizes.ood, name: "length_ood") {
            let (i, j) = options.fourDigitFollowsCode ? (r2.below(4500), r2.below(4500)) : (1000 + r2.below(9000), 1000 + r2.below(9000))
            let e = example(i, j)
            if trainSet.contains(e) { removed4 += 1; return }
            if seen4.insert(e).inserted { four.append(e) }
        } count: { four.count }
        notes.oodOverlapRemoved["length_ood"] = removed4

        // Decimals: i, j uniform 0..450, each plus a fraction 0.01..0.99, printed with two decimals.
        var r3 = root.derived("sum/ood/decimals")
        var dec: [Example] = []
        var seenD = Set<Example>()
        try fill(sizes.ood, name: "decimals") {
            let a = (r3.below(451)) * 100 + 1 + r3.below(99)
            let b = (r3.below(451)) * 100 + 1 + r3.below(99)
            let e = example(decimal(a), decimal(b), decimal(a + b))
            if seenD.insert(e).inserted { dec.append(e) }
        } count: { dec.count }
        let ood: [(name: String, examples: [Example])] = [("cascading_overflow", cascade), ("length_ood", four), ("decimals", dec)]
        return TaskData(task: .sum, train: train, test: testP.map { example($0.0, $0.1) }, ood: ood, notes: notes)
    }
}
