// Shuffle-Dyck data (METHOD §2.1–2.2, OOD sets §5.6): half random bracket strings, half
// constructed balanced ones; label "yes" iff every family's running count of openers never
// drops below its closers and ends equal. Duplicates are removed before the train/test split.
import Support

public enum Dyck {
    public static let families: [(open: Character, close: Character)] = [("(", ")"), ("[", "]"), ("{", "}")]
    public static let newFamily: (open: Character, close: Character) = ("<", ">")

    /// The fixed question every prompt starts with (before the brackets).
    public static let question = "Are parenthesis here correctly matched?"

    public static func prompt(_ brackets: String) -> String {
        "\(question) \(brackets)\nAnswer:"
    }

    /// Balanced in the shuffle-Dyck sense for the given families.
    public static func isBalanced(_ s: String, families fam: [(open: Character, close: Character)] = families) -> Bool {
        var depth = [Int](repeating: 0, count: fam.count)
        let codes = fam.map { ($0.open.asciiValue!, $0.close.asciiValue!) }
        for c in s.utf8 {
            for (k, f) in codes.enumerated() {
                if c == f.0 { depth[k] += 1 } else if c == f.1 {
                    depth[k] -= 1
                    if depth[k] < 0 { return false }
                }
            }
        }
        return depth.allSatisfy { $0 == 0 }
    }

    public static func example(_ brackets: String, families fam: [(open: Character, close: Character)] = families) -> Example {
        Example(prompt: prompt(brackets), label: isBalanced(brackets, families: fam) ? "yes" : "no")
    }

    /// Length uniform in `lengths`, every character uniform over the families' brackets.
    public static func randomString(lengths: ClosedRange<Int>, families fam: [(open: Character, close: Character)],
                                    rng: inout SeededRNG) -> String {
        let alphabet = fam.flatMap { [$0.open.asciiValue!, $0.close.asciiValue!] }
        let n = lengths.lowerBound + rng.below(lengths.count)
        var s: [UInt8] = []
        s.reserveCapacity(n)
        for _ in 0..<n { s.append(alphabet[rng.below(alphabet.count)]) }
        return String(decoding: s, as: UTF8.self)
    }

    /// Target length uniform in `lengths`, rounded up to even; at each step choose uniformly
    /// among the closers of families with an open bracket, plus every opener while there is
    /// still room to close everything (METHOD §2.2).
    public static func balancedString(lengths: ClosedRange<Int>, families fam: [(open: Character, close: Character)],
                                      rng: inout SeededRNG) -> String {
        var n = lengths.lowerBound + rng.below(lengths.count)
        if n % 2 == 1 { n += 1 }
        var open = [Int](repeating: 0, count: fam.count)
        var totalOpen = 0
        var s: [UInt8] = []
        s.reserveCapacity(n)
        var choices: [(family: Int, opening: Bool)] = []
        for step in 0..<n {
            let remaining = n - step
            choices.removeAll(keepingCapacity: true)
            for k in fam.indices where open[k] > 0 { choices.append((k, false)) }
            if totalOpen + 1 <= remaining - 1 { for k in fam.indices { choices.append((k, true)) } }
            let c = choices[rng.below(choices.count)]
            if c.opening {
                open[c.family] += 1; totalOpen += 1; s.append(fam[c.family].open.asciiValue!)
            } else {
                open[c.family] -= 1; totalOpen -= 1; s.append(fam[c.family].close.asciiValue!)
            }
        }
        return String(decoding: s, as: UTF8.self)
    }

    /// Half random, half balanced (random first, then balanced, as the paper's code concatenates).
    public static func mixedStrings(count: Int, lengths: ClosedRange<Int>, families fam: [(open: Character, close: Character)],
                                    rng: inout SeededRNG, progress: ProgressBar? = nil) -> [String] {
        var out: [String] = []
        out.reserveCapacity(count)
        let nRandom = count / 2
        for i in 0..<count {
            out.append(i < nRandom ? randomString(lengths: lengths, families: fam, rng: &rng)
                                   : balancedString(lengths: lengths, families: fam, rng: &rng))
            if i % 10_000 == 9_999 { progress?.advance(10_000) }
        }
        return out
    }

    /// Options where the paper's description and the authors' code differ (METHOD §5.6, §8.13).
    public struct OODOptions: Sendable, Codable, Equatable {
        /// Paper: "3× length" means strings longer than training (31..90); code: 5..90.
        public var lengthFollowsCode = false
        /// Paper: a new family `<>` appears; code: strings over 4 families may lack `<>`.
        public var newFamilyFollowsCode = false
        public init() {}
    }

    public static func generate(sizes: TaskSizes, options: OODOptions = OODOptions(), seed: UInt64,
                                progress: Bool = false) throws -> TaskData {
        let root = SeededRNG(seed: seed)
        var rng = root.derived("dyck/pool")
        let bar = progress ? ProgressBar("dyck", total: sizes.pool, unit: "ex") : nil
        let strings = mixedStrings(count: sizes.pool, lengths: 5...30, families: families, rng: &rng, progress: bar)
        bar?.finish()
        var notes = GenerationNotes()
        notes.generated = strings.count
        let (unique, removed) = deduplicated(strings)
        notes.duplicatesRemoved = removed
        var splitRNG = root.derived("dyck/split")
        let (trainS, testS) = splitTrainTest(unique, testSize: sizes.test, rng: &splitRNG, notes: &notes, task: .dyck)
        let seen = Set(unique)   // train ∪ test: OOD sets meant to be unseen avoid both

        var ood: [(String, [Example])] = []
        // Almost balanced: balanced strings of target length 15..90 with the last character dropped.
        var r1 = root.derived("dyck/ood/almost-balanced")
        var removedAB = 0
        var ab: [Example] = []
        var seenAB = Set<String>()
        try fill(sizes.ood, name: "almost_balanced") {
            var s = balancedString(lengths: 15...90, families: families, rng: &r1)
            s.removeLast()
            if seen.contains(s) { removedAB += 1; return }
            if seenAB.insert(s).inserted { ab.append(example(s)) }
            return
        } count: { ab.count }
        notes.oodOverlapRemoved["almost_balanced"] = removedAB

        // 3× length.
        var r2 = root.derived("dyck/ood/length")
        let lengthRange = options.lengthFollowsCode ? 5...90 : 31...90
        notes.choices.append("dyck length_ood: lengths \(lengthRange) (" + (options.lengthFollowsCode ? "authors' code" : "paper: longer than training, code used 5..90") + ")")
        var long: [Example] = []
        var seenL = Set<String>()
        var removedL = 0
        var iLong = 0
        try fill(sizes.ood, name: "length_ood") {
            let s = iLong % 2 == 0 ? randomString(lengths: lengthRange, families: families, rng: &r2)
                                   : balancedString(lengths: lengthRange, families: families, rng: &r2)
            iLong += 1
            if seen.contains(s) { removedL += 1; return }
            if seenL.insert(s).inserted { long.append(example(s)) }
        } count: { long.count }
        notes.oodOverlapRemoved["length_ood"] = removedL

        // New family <>.
        var r3 = root.derived("dyck/ood/new-family")
        let four = families + [newFamily]
        notes.choices.append("dyck ood_new_token: " + (options.newFamilyFollowsCode ? "any string over four families (authors' code)" : "every string contains '<' or '>' (paper: a new family appears)"))
        var nf: [Example] = []
        var seenNF = Set<String>()
        var removedNF = 0
        var iNF = 0
        try fill(sizes.ood, name: "ood_new_token") {
            let s = iNF % 2 == 0 ? randomString(lengths: 5...30, families: four, rng: &r3)
                                 : balancedString(lengths: 5...30, families: four, rng: &r3)
            iNF += 1
            if !options.newFamilyFollowsCode && !s.contains(where: { $0 == "<" || $0 == ">" }) { return }
            if seen.contains(s) { removedNF += 1; return }
            if seenNF.insert(s).inserted { nf.append(example(s, families: four)) }
        } count: { nf.count }
        notes.oodOverlapRemoved["ood_new_token"] = removedNF
        ood = [("almost_balanced", ab), ("length_ood", long), ("ood_new_token", nf)]

        return TaskData(task: .dyck, train: trainS.map { example($0) }, test: testS.map { example($0) },
                        ood: ood.map { (name: $0.0, examples: $0.1) }, notes: notes)
    }
}

/// Calls `draw` until `count()` reaches `target`; fails if that takes absurdly many draws.
func fill(_ target: Int, name: String, _ draw: () throws -> Void, count: () -> Int) throws {
    var attempts = 0
    let limit = max(1000, target * 1000)
    while count() < target {
        try draw()
        attempts += 1
        if attempts > limit {
            throw TaskParameterError("OOD set \(name): only \(count()) distinct unseen examples after \(attempts) draws (asked for \(target)); lower the OOD size")
        }
    }
}
