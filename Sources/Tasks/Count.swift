// Count-'x' data (METHOD §2.1–2.2, OOD sets §5.6): distinct strings of x/y characters, length
// 5..40, strings without any 'y' dropped (so the x-only OOD set is unseen); the label is the
// number of x's. The prompt joins the characters with single spaces.
import Support

public enum Count {
    /// The fixed question every prompt starts with (before the characters).
    public static let question = "What is the number of 'x' in this text?"

    public static func prompt(_ chars: [Character]) -> String {
        var body = ""
        body.reserveCapacity(chars.count * 2)
        for (i, c) in chars.enumerated() {
            if i > 0 { body.append(" ") }
            body.append(c)
        }
        return "\(question) \(body)\nAnswer:"
    }

    public static func example(_ chars: [Character]) -> Example {
        Example(prompt: prompt(chars), label: String(chars.reduce(0) { $0 + ($1 == "x" ? 1 : 0) }))
    }

    /// The example of a packed string, built from bytes (the fast path of `example(_:)`).
    static func example(_ p: Packed) -> Example {
        var body: [UInt8] = []
        body.reserveCapacity(2 * Int(p.length))
        for i in 0..<Int(p.length) {
            if i > 0 { body.append(32) }
            body.append(p.bits >> UInt64(i) & 1 == 1 ? 120 : 121)
        }
        return Example(prompt: question + " " + String(decoding: body, as: UTF8.self) + "\nAnswer:",
                       label: String(p.bits.nonzeroBitCount))
    }

    /// A string as (length, bit i set ⇔ character i is 'x'); lengths up to 63.
    struct Packed: Hashable {
        var length: UInt8
        var bits: UInt64
        var chars: [Character] { (0..<Int(length)).map { bits >> UInt64($0) & 1 == 1 ? "x" : "y" } }
    }

    static func draw(lengths: ClosedRange<Int>, rng: inout SeededRNG) -> Packed {
        let n = lengths.lowerBound + rng.below(lengths.count)
        let bits = n == 64 ? rng.next() : rng.next() & ((1 << UInt64(n)) - 1)
        return Packed(length: UInt8(n), bits: bits)
    }

    /// Draws strings until `count` distinct ones exist (the paper's `seen` set).
    static func distinct(count: Int, lengths: ClosedRange<Int>, rng: inout SeededRNG, bar: ProgressBar?) throws -> [Packed] {
        let possible = lengths.reduce(0.0) { $0 + Double(1 << UInt64(min($1, 62))) }
        guard Double(count) <= possible * 0.9 else {
            throw TaskParameterError("count: \(count) distinct strings of length \(lengths) asked, only \(Int(possible)) exist")
        }
        var seen = Set<Packed>(minimumCapacity: count)
        var out: [Packed] = []
        out.reserveCapacity(count)
        while out.count < count {
            let p = draw(lengths: lengths, rng: &rng)
            if seen.insert(p).inserted {
                out.append(p)
                if out.count % 10_000 == 0 { bar?.advance(10_000) }
            }
        }
        return out
    }

    public struct OODOptions: Sendable, Codable, Equatable {
        /// Paper: "3× length" = lengths 41..120; code: 5..120.
        public var lengthFollowsCode = false
        public init() {}
    }

    public static func generate(sizes: TaskSizes, options: OODOptions = OODOptions(), seed: UInt64,
                                progress: Bool = false) throws -> TaskData {
        let root = SeededRNG(seed: seed)
        var rng = root.derived("count/pool")
        let bar = progress ? ProgressBar("count", total: sizes.pool, unit: "ex") : nil
        let pool = try distinct(count: sizes.pool, lengths: 5...40, rng: &rng, bar: bar)
        bar?.finish()
        var notes = GenerationNotes()
        notes.generated = pool.count
        notes.duplicatesRemoved = 0   // drawn distinct, as in the paper
        // Drop strings without a 'y' (all bits set).
        let withY = pool.filter { $0.bits != (1 << UInt64($0.length)) - 1 }
        notes.choices.append("count: \(pool.count - withY.count) strings without 'y' dropped from the pool (x_only set stays unseen)")
        var splitRNG = root.derived("count/split")
        let (trainP, testP) = splitTrainTest(withY, testSize: sizes.test, rng: &splitRNG, notes: &notes, task: .count)

        // x only: "x", "x x", …, 40 x's.
        let xOnly = (1...40).map { example([Character](repeating: "x", count: $0)) }
        // 3× length.
        var r2 = root.derived("count/ood/length")
        let lengthRange = options.lengthFollowsCode ? 5...120 : 41...120
        notes.choices.append("count length_ood: lengths \(lengthRange) (" + (options.lengthFollowsCode ? "authors' code" : "paper; the code used 5..120") + ")")
        let seen = Set(withY)
        var long: [Example] = []
        var seenL = Set<String>()
        var removed = 0
        try fill(sizes.ood, name: "length_ood") {
            let n = lengthRange.lowerBound + r2.below(lengthRange.count)
            let chars: [Character] = (0..<n).map { _ in r2.below(2) == 0 ? "x" : "y" }
            if n <= 40 {
                var bits: UInt64 = 0
                for (i, c) in chars.enumerated() where c == "x" { bits |= 1 << UInt64(i) }
                if seen.contains(Packed(length: UInt8(n), bits: bits)) { removed += 1; return }
            }
            let key = String(chars)
            if seenL.insert(key).inserted { long.append(example(chars)) }
        } count: { long.count }
        notes.oodOverlapRemoved["length_ood"] = removed
        // y → z over the test set (the prompt still asks for 'x').
        let replaced = testP.map { p in example(p.chars.map { $0 == "y" ? "z" : $0 }) }
        let ood: [(name: String, examples: [Example])] = [("x_only", xOnly), ("length_ood", long), ("replace_y", replaced)]
        return TaskData(task: .count, train: trainP.map { example($0) }, test: testP.map { example($0) },
                        ood: ood, notes: notes)
    }
}
