// evaluate's products: the typed metrics of one model and their canonical JSON (`metrics.json`,
// format "graft-evaluation" v1; schema in docs/evaluation.md), deterministic so the same inputs
// give the same bytes, and the wall times kept apart in a timing file ("graft-evaluation-timing").
import Artifacts
import JSONText

/// A part that was run, or why it was not (written as {"not_run": reason}).
public enum Part<T: Sendable & Equatable>: Sendable, Equatable {
    case done(T)
    case notRun(String)

    public var value: T? { if case .done(let v) = self { return v }; return nil }
}

public struct EvaluationMetrics: Sendable, Equatable {
    public var task: String
    public var method: String
    public var profile: String
    public var modelSpec: String
    public var weightsSHA256: String?
    public var accuracy: Accuracy
    public var ood: Part<[String: Accuracy]>
    public var perplexity: Part<PerplexityResult>
    public var sst2: Part<Accuracy>
    public var mrpc: Part<Accuracy>
    public var lambada: Part<Accuracy>
    public var noise: Part<NoiseResult>
}

public enum MetricsFormat {
    public static let name = "graft-evaluation"
    public static let version = 1
    public static let timingName = "graft-evaluation-timing"
}

func json(_ a: Accuracy) -> JSONValue {
    ["correct": JSONValue(a.correct), "total": JSONValue(a.total), "value": JSONValue(a.value)]
}

func json<T>(_ part: Part<T>, _ body: (T) -> JSONValue) -> JSONValue {
    switch part {
    case .done(let v): body(v)
    case .notRun(let reason): ["not_run": JSONValue(reason)]
    }
}

extension EvaluationMetrics {
    public var jsonValue: JSONValue {
        .object([
            "format": JSONValue(MetricsFormat.name), "version": JSONValue(MetricsFormat.version),
            "task": JSONValue(task), "method": JSONValue(method), "profile": JSONValue(profile),
            "model": ["spec": JSONValue(modelSpec), "weights_sha256": weightsSHA256.map { JSONValue($0) } ?? .null],
            "accuracy": json(accuracy),
            "ood": json(ood) { sets in .object(sets.mapValues(json)) },
            "perplexity": json(perplexity) { p in
                ["lines": JSONValue(p.lines), "tokens": JSONValue(p.tokens), "mean_per_line": JSONValue(p.meanPerLine),
                 "token_weighted": JSONValue(p.tokenWeighted)]
            },
            "sst2": json(sst2, json), "mrpc": json(mrpc, json), "lambada": json(lambada, json),
            "noise": json(noise) { n in
                ["block": JSONValue(n.block), "dimension": JSONValue(n.dimension), "mean_residual_norm": JSONValue(n.meanResidualNorm),
                 "points": .array(n.points.map { p in
                     var o: [String: JSONValue] = ["subspace": JSONValue(p.subspace.rawValue), "norm": JSONValue(p.norm),
                                                   "relative": .bool(p.relative), "accuracy": json(p.accuracy)]
                     if let m = p.multiple { o["multiple"] = JSONValue(m) }
                     return .object(o)
                 })]
            },
        ])
    }

    /// The canonical bytes of metrics.json (compact canonical JSON).
    public func encoded() throws -> [UInt8] { try CanonicalJSON.encode(jsonValue) }
}

/// Wall seconds per part (and the thread count and BLAS kernels they were measured with).
public struct EvaluationTiming: Sendable, Equatable {
    public var seconds: [String: Double] = [:]
    public var threads: Int = 1
    public var blasCore: String = ""
    /// Why that kernel set (graft's choice, OpenBLAS's own, or the user's) and the CPU it ran on.
    public var blasReason: String = ""
    public var cpu: String = ""
    /// Tokens run through the model per part (forward throughput = tokens / seconds).
    public var tokens: [String: Int] = [:]

    public var jsonValue: JSONValue {
        ["format": JSONValue(MetricsFormat.timingName), "version": JSONValue(MetricsFormat.version),
         "wall_seconds": .object(seconds.mapValues { JSONValue(($0 * 1000).rounded() / 1000) }),
         "tokens": .object(tokens.mapValues { JSONValue($0) }),
         "threads": JSONValue(threads), "blas_core": JSONValue(blasCore), "blas_reason": JSONValue(blasReason),
         "cpu": JSONValue(cpu)]
    }
    public func encoded() throws -> [UInt8] { try CanonicalJSON.encode(jsonValue) }
}
