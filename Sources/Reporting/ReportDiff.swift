// Comparing two runs' flat metric maps (name → number, with unit and "higher is better" metadata):
// a typed diff with one row per metric name from either side, flags for metrics present on only
// one side, rendered as a Markdown table or kept as a Codable struct for JSON.

import Foundation

public struct Metric: Sendable, Equatable, Codable {
    public var value: Double
    public var unit: String
    public var higherIsBetter: Bool?
    /// For an accuracy: the examples it was measured on and its 95 % (Wilson) interval.
    public var count: Int?
    public var low: Double?, high: Double?
    public init(_ value: Double, unit: String = "", higherIsBetter: Bool? = nil) {
        self.value = value; self.unit = unit; self.higherIsBetter = higherIsBetter
    }
    /// An accuracy of `p.correct` / `p.total`, with its count and interval.
    public init(_ p: Proportion, higherIsBetter: Bool? = true) {
        self.init(p.value, unit: "fraction", higherIsBetter: higherIsBetter)
        let (l, h) = p.interval()
        count = p.total; low = l; high = h
    }
}

public struct MetricDiff: Sendable, Equatable, Codable {
    public enum Presence: String, Sendable, Codable { case both, onlyA, onlyB }
    public struct Row: Sendable, Equatable, Codable {
        public var name: String
        public var a: Double?
        public var b: Double?
        public var delta: Double?          // b − a when both exist
        public var unit: String
        public var presence: Presence
        /// "better", "worse", "same" when both exist and the metric says which way is good; else nil.
        public var verdict: String?
    }
    public var labelA: String
    public var labelB: String
    public var rows: [Row]                 // sorted by name

    public var onlyInA: [String] { rows.filter { $0.presence == .onlyA }.map(\.name) }
    public var onlyInB: [String] { rows.filter { $0.presence == .onlyB }.map(\.name) }
}

/// The diff of two metric maps, one row per name in either map, sorted by name.
public func reportDiff(a: [String: Metric], b: [String: Metric], labelA: String = "a", labelB: String = "b") -> MetricDiff {
    let names = Set(a.keys).union(b.keys).sorted()
    let rows = names.map { name -> MetricDiff.Row in
        let ma = a[name], mb = b[name]
        let presence: MetricDiff.Presence = ma == nil ? .onlyB : (mb == nil ? .onlyA : .both)
        var delta: Double?, verdict: String?
        if let ma, let mb {
            let d = mb.value - ma.value
            delta = d
            if let hib = ma.higherIsBetter ?? mb.higherIsBetter {
                verdict = d == 0 ? "same" : ((d > 0) == hib ? "better" : "worse")
            }
        }
        return .init(name: name, a: ma?.value, b: mb?.value, delta: delta,
                     unit: ma?.unit ?? mb?.unit ?? "", presence: presence, verdict: verdict)
    }
    return MetricDiff(labelA: labelA, labelB: labelB, rows: rows)
}

extension MetricDiff {
    /// A table metric | a | b | Δ (b − a) | note; missing sides read "absent".
    public func table(format: NumberFormat = .fixed(4)) -> Table {
        let rowsOut: [[Cell]] = rows.map { r in
            let unit = r.unit.isEmpty ? "" : " (\(r.unit))"
            let note: String
            switch r.presence {
            case .onlyA: note = "only in \(labelA)"
            case .onlyB: note = "only in \(labelB)"
            case .both: note = r.verdict ?? ""
            }
            return [.text(r.name + unit),
                    r.a.map { .number($0, format) } ?? .text("absent"),
                    r.b.map { .number($0, format) } ?? .text("absent"),
                    .text(r.delta.map { signed($0, format) } ?? "—"),
                    .text(note)]
        }
        return Table(title: "\(labelA) vs \(labelB)", columns: ["metric", labelA, labelB, "Δ (\(labelB) − \(labelA))", "note"], rows: rowsOut)
    }

    public func markdown(format: NumberFormat = .fixed(4)) throws -> String {
        try table(format: format).markdown()
    }

    /// Canonical JSON (sorted keys) of the diff.
    public func json() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try enc.encode(self)
    }
}
