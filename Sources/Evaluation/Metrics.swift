// evaluate's products: the typed metrics of one model and their file forms (metrics.json and
// timing.json, whose one definition is StageFiles.EvaluationFile / EvaluationTimingFile; schema in
// docs/evaluation.md). metrics.json is deterministic: the same inputs give the same bytes; the wall
// times are kept apart in timing.json.
import Artifacts
import JSONText
import StageFiles

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

extension Accuracy {
    var file: Fraction { Fraction(correct: correct, total: total, value: value) }
}

extension EvaluationMetrics {
    /// metrics.json's value.
    public var file: EvaluationFile {
        EvaluationFile(
            task: task, method: method, profile: profile, model: ModelInfo(spec: modelSpec, weights_sha256: weightsSHA256),
            accuracy: accuracy.file, ood: ood.map { $0.mapValues(\.file) },
            perplexity: perplexity.map { PerplexityFile(lines: $0.lines, tokens: $0.tokens, mean_per_line: $0.meanPerLine, token_weighted: $0.tokenWeighted) },
            sst2: sst2.map(\.file), mrpc: mrpc.map(\.file), lambada: lambada.map(\.file),
            noise: noise.map { n in
                NoiseFile(block: n.block, dimension: n.dimension, mean_residual_norm: n.meanResidualNorm, points: n.points.map {
                    StageFiles.NoisePoint(subspace: $0.subspace.rawValue, norm: $0.norm, relative: $0.relative, multiple: $0.multiple, accuracy: $0.accuracy.file)
                })
            })
    }

    /// The canonical bytes of metrics.json (compact canonical JSON).
    public func encoded() throws -> [UInt8] { try file.encoded() }
}

/// Wall seconds per part (and the thread count and BLAS kernels they were measured with).
public struct EvaluationTiming: Sendable, Equatable {
    public var seconds: [String: Double] = [:]
    public var threads: Int = 1
    public var blasCore: String = ""
    /// Why that kernel set (graft's choice, OpenBLAS's own, or the user's) and the CPU it ran on.
    public var blasReason: String = ""
    public var cpu: String = ""
    /// The precision of the model's products and why.
    public var precision: String = "", precisionReason: String = ""
    /// Tokens run through the model per part (forward throughput = tokens / seconds).
    public var tokens: [String: Int] = [:]

    /// timing.json's value (seconds rounded to milliseconds).
    public var file: EvaluationTimingFile {
        EvaluationTimingFile(wall_seconds: seconds.mapValues { ($0 * 1000).rounded() / 1000 }, tokens: tokens, threads: threads,
                             blas_core: blasCore, blas_reason: blasReason, cpu: cpu,
                             precision: precision, precision_reason: precisionReason)
    }
    public func encoded() throws -> [UInt8] { try file.encoded() }
}
