// evaluate's metrics.json ("graft-evaluation", version 1; deterministic: the same inputs give the
// same bytes) and timing.json ("graft-evaluation-timing": the wall times, kept apart because they
// are not). The writer is Evaluation.runEvaluation; the report reads both.
import JSONText

/// `correct` of `total`, and their ratio.
public struct Fraction: Codable, Sendable, Equatable {
    public var correct: Int, total: Int, value: Double
    public init(correct: Int, total: Int, value: Double) { self.correct = correct; self.total = total; self.value = value }
}

public struct PerplexityFile: Codable, Sendable, Equatable {
    public var lines: Int, tokens: Int, mean_per_line: Double, token_weighted: Double
    public init(lines: Int, tokens: Int, mean_per_line: Double, token_weighted: Double) {
        self.lines = lines; self.tokens = tokens; self.mean_per_line = mean_per_line; self.token_weighted = token_weighted
    }
}

public struct NoisePoint: Codable, Sendable, Equatable {
    /// "answer" (the output variable's subspace) or "random" (an orthonormal one of equal dimension).
    public var subspace: String
    public var norm: Double
    /// Whether `norm` is a multiple of the mean residual norm at the block (`multiple`) or absolute.
    public var relative: Bool
    public var multiple: Double?
    public var accuracy: Fraction
    public init(subspace: String, norm: Double, relative: Bool, multiple: Double?, accuracy: Fraction) {
        self.subspace = subspace; self.norm = norm; self.relative = relative; self.multiple = multiple; self.accuracy = accuracy
    }
}

public struct NoiseFile: Codable, Sendable, Equatable {
    public var block: Int, dimension: Int, mean_residual_norm: Double, points: [NoisePoint]
    public init(block: Int, dimension: Int, mean_residual_norm: Double, points: [NoisePoint]) {
        self.block = block; self.dimension = dimension; self.mean_residual_norm = mean_residual_norm; self.points = points
    }
}

public struct ModelInfo: Codable, Sendable, Equatable {
    public var spec: String, weights_sha256: String?
    public init(spec: String, weights_sha256: String?) { self.spec = spec; self.weights_sha256 = weights_sha256 }
}

public struct EvaluationFile: Codable, Sendable, Equatable {
    public static let format = "graft-evaluation"
    public static let version = 1
    public var format = EvaluationFile.format
    public var version = EvaluationFile.version
    public var task: String, method: String, profile: String
    public var model: ModelInfo
    /// Greedy exact match on the in-distribution test set.
    public var accuracy: Fraction
    /// Out-of-distribution sets by name.
    public var ood: Part<[String: Fraction]>
    public var perplexity: Part<PerplexityFile>
    public var sst2: Part<Fraction>, mrpc: Part<Fraction>, lambada: Part<Fraction>
    public var noise: Part<NoiseFile>

    public init(task: String, method: String, profile: String, model: ModelInfo, accuracy: Fraction, ood: Part<[String: Fraction]>,
                perplexity: Part<PerplexityFile>, sst2: Part<Fraction>, mrpc: Part<Fraction>, lambada: Part<Fraction>, noise: Part<NoiseFile>) {
        self.task = task; self.method = method; self.profile = profile; self.model = model; self.accuracy = accuracy
        self.ood = ood; self.perplexity = perplexity; self.sst2 = sst2; self.mrpc = mrpc; self.lambada = lambada; self.noise = noise
    }

    /// The canonical bytes of metrics.json (compact canonical JSON).
    public func encoded() throws -> [UInt8] { try CanonicalJSON.encode(canonicalJSON(self)) }
}

/// timing.json: wall seconds and tokens per part, with the threads and BLAS kernels they were measured with.
public struct EvaluationTimingFile: Codable, Sendable, Equatable {
    public static let format = "graft-evaluation-timing"
    public static let version = 1
    public var format = EvaluationTimingFile.format
    public var version = EvaluationTimingFile.version
    public var wall_seconds: [String: Double]
    public var tokens: [String: Int]
    public var threads: Int
    public var blas_core: String, blas_reason: String, cpu: String
    /// The precision of the model's products (fp32 or bf16) and why.
    public var precision: String, precision_reason: String

    public init(wall_seconds: [String: Double], tokens: [String: Int], threads: Int, blas_core: String, blas_reason: String, cpu: String,
                precision: String, precision_reason: String) {
        self.wall_seconds = wall_seconds; self.tokens = tokens; self.threads = threads
        self.blas_core = blas_core; self.blas_reason = blas_reason; self.cpu = cpu
        self.precision = precision; self.precision_reason = precision_reason
    }

    public func encoded() throws -> [UInt8] { try CanonicalJSON.encode(canonicalJSON(self)) }
}
