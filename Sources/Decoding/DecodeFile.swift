// decode.json ("format": "graft-decode", version 1; schema in docs/report.md): the decoded
// tables of the chosen inputs and the per-variable, per-layer decoding accuracy of the model
// and of the least-squares control. Also the task-data rows decode reads (test/train.jsonl).
import Foundation
import StageFiles
import Support
import Tasks

public struct DecodedExample: Codable, Sendable, Equatable {
    public var prompt: String
    /// LM token strings, one per position.
    public var tokens: [String]
    /// The LM residual decoded (0...k).
    public var layer: Int
    public var variables: [String]
    /// Decoded values [position][variable].
    public var table: [[String]]
    /// The compiled model's values at the aligned positions, same shape; "" where it has none
    /// (all of the variable's dimensions tie: not written yet at this layer).
    public var truth: [[String]]

    public init(prompt: String, tokens: [String], layer: Int, variables: [String], table: [[String]], truth: [[String]]) {
        self.prompt = prompt; self.tokens = tokens; self.layer = layer; self.variables = variables
        self.table = table; self.truth = truth
    }
}

/// Decoding accuracy: variable → fraction per aligned layer 0...k (constant variables omitted);
/// null at layers where the compiled model has not written the variable yet.
public typealias LayerAccuracy = [String: [Double?]]

public struct DecodeSummary: Codable, Sendable, Equatable {
    public var format = DecodeSummary.format
    public var version = 1
    public var task: String
    public var method: String
    public var profile: String
    public var examples: [DecodedExample]
    public var accuracy: Part<LayerAccuracy>
    /// The baseline with a least-squares adapter; nil (absent) when no baseline was given.
    public var control: Part<LayerAccuracy>?
    /// How many held-out examples / LM positions the accuracies count.
    public var scored: Scored?
    public var wall_seconds: [String: Double]

    public struct Scored: Codable, Sendable, Equatable {
        public var examples: Int
        public var positions: Int
        public var fit_examples: Int?
        public var fit_rows: Int?
        public var ridge: Double?
        /// Rows passed over because their compiled input exceeds the compiled model's max_seq_len.
        public var too_long: Int?
        public var fit_too_long: Int?
        public init(examples: Int, positions: Int, fit_examples: Int? = nil, fit_rows: Int? = nil, ridge: Double? = nil,
                    too_long: Int? = nil, fit_too_long: Int? = nil) {
            self.examples = examples; self.positions = positions
            self.fit_examples = fit_examples; self.fit_rows = fit_rows; self.ridge = ridge
            self.too_long = too_long; self.fit_too_long = fit_too_long
        }
    }

    public static let format = "graft-decode"

    public init(task: String, method: String, profile: String, examples: [DecodedExample], accuracy: Part<LayerAccuracy>,
                control: Part<LayerAccuracy>?, scored: Scored?, wallSeconds: [String: Double]) {
        self.task = task; self.method = method; self.profile = profile; self.examples = examples
        self.accuracy = accuracy; self.control = control; self.scored = scored; wall_seconds = wallSeconds
    }

    /// Sorted-key JSON; the same summary gives the same bytes.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }

    /// Headline numbers for the pipeline lock ($GRAFT_METRICS): mean accuracy over variables at
    /// the last aligned layer, for the model and the control, when they ran.
    public var headlineMetrics: [String: Double] {
        var out: [String: Double] = [:]
        for (name, part) in [("decode_accuracy_last_layer", Optional(accuracy)), ("control_accuracy_last_layer", control)] {
            guard case .value(let acc)? = part, !acc.isEmpty else { continue }
            let last = acc.values.compactMap { $0.last ?? nil }
            if !last.isEmpty { out[name] = last.reduce(0, +) / Double(last.count) }
        }
        return out
    }

    public static func read(_ path: String) throws -> DecodeSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DecodeError("cannot read \(path); it is made by the decode stage")
        }
        let s: DecodeSummary
        do { s = try JSONDecoder().decode(DecodeSummary.self, from: data) } catch {
            throw DecodeError("\(path): not a readable graft-decode file (\(error))")
        }
        guard s.format == format, s.version == 1 else {
            throw DecodeError("\(path): format \(s.format) version \(s.version), expected \(format) version 1; rerun the decode stage")
        }
        return s
    }
}

/// The first `limit` rows of a task data file, with their compiled inputs (Tasks' `readTaskFile`).
public func readTaskRows(_ path: String, limit: Int) throws -> [TaskRow] {
    try readTaskRows(path, limit: limit, accept: { _ in true }).rows
}

/// The first `limit` rows that `accept` takes, and how many rows it refused on the way; lines
/// after the last row needed are not parsed.
public func readTaskRows(_ path: String, limit: Int, accept: (TaskRow) -> Bool) throws -> (rows: [TaskRow], refused: Int) {
    try readTaskFile(path, needs: TaskFileNeeds(compiled: true), limit: limit, accept: accept)
}
