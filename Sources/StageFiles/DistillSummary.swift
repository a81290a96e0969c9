// distill's summary.json ("graft-distill-summary", version 1) and one line of its log.jsonl: the
// writer (Injection.runDistill) builds these values, the report decodes them.
import JSONText

public struct AccuracyPoint: Codable, Sendable, Equatable {
    public var step: Int, accuracy: Double
    public init(step: Int, accuracy: Double) { self.step = step; self.accuracy = accuracy }
}

/// The last step's loss terms; `alg` is absent for the baseline, which has no algorithm loss.
public struct FinalLosses: Codable, Sendable, Equatable {
    public var loss: Double?, ce: Double?, alg: Double?, kl: Double?
    public init(loss: Double?, ce: Double?, alg: Double?, kl: Double?) { self.loss = loss; self.ce = ce; self.alg = alg; self.kl = kl }
}

/// How many rows a run drew on.
public struct DistillExamples: Codable, Sendable, Equatable {
    public var train: Int, validation: Int, text_rows: Int
    /// Task rows seen / training rows.
    public var task_epochs: Double
    public init(train: Int, validation: Int, text_rows: Int, task_epochs: Double) {
        self.train = train; self.validation = validation; self.text_rows = text_rows; self.task_epochs = task_epochs
    }
}

/// The BLAS kernels the run used and why (DESIGN §4a), and the precision of the model's products
/// (fp32, or bf16 inputs with fp32 sums; issue 15) and why.
public struct BLASChoice: Codable, Sendable, Equatable {
    public var cpu: String, core: String, reason: String
    public var precision: String, precision_reason: String
    public init(cpu: String, core: String, reason: String, precision: String, precision_reason: String) {
        self.cpu = cpu; self.core = core; self.reason = reason; self.precision = precision; self.precision_reason = precision_reason
    }
}

/// The least-squares adapter initialisation (`--adapter-init least-squares`).
public struct AdapterInitSummary: Codable, Sendable, Equatable {
    public var examples: Int, rows: Int, ridge: Double
    public var cosine_per_layer: [Double]
    public var seconds: Double
    public var output_dims_kept_random: [Int]
    public init(examples: Int, rows: Int, ridge: Double, cosine_per_layer: [Double], seconds: Double, output_dims_kept_random: [Int]) {
        self.examples = examples; self.rows = rows; self.ridge = ridge; self.cosine_per_layer = cosine_per_layer
        self.seconds = seconds; self.output_dims_kept_random = output_dims_kept_random
    }
}

public struct DistillSummary: Codable, Sendable, Equatable {
    public static let format = "graft-distill-summary"
    public static let version = 1
    public var format = DistillSummary.format
    public var version = DistillSummary.version
    public var task: String, method: String, profile: String
    /// Steps trained.
    public var steps: Int
    /// The settings used, as distill encodes them (every flag's value).
    public var settings: JSONValue
    public var alg_normalization: String
    public var examples: DistillExamples
    public var final: FinalLosses
    /// Mean cosine per aligned layer over the last steps (injection; absent for the baseline).
    public var cosine_per_layer: [Double]?
    /// Exact-match accuracy on held-out training examples every `--validate-every` steps.
    public var validation_accuracy_curve: [AccuracyPoint]
    /// The same with detach-and-roll acting (injection): does the answer pass through the subspace?
    public var validation_accuracy_rolled_curve: [AccuracyPoint]
    public var adapter_init: AdapterInitSummary?
    public var wall_seconds: Double, train_seconds: Double, seconds_per_step: Double, tokens_per_second: Double
    public var peak_rss_bytes: Int
    public var threads: Int
    public var blas: BLASChoice
    public var seconds_per_phase: [String: Double]
    /// The graft weights file the student started from (`--init-weights`; absent: the base model),
    /// with its SHA-256; the KL teacher is the base model either way.
    public var init_weights: InitWeights?

    public init(task: String, method: String, profile: String, steps: Int, settings: JSONValue, alg_normalization: String,
                examples: DistillExamples, final: FinalLosses, cosine_per_layer: [Double]?,
                validation_accuracy_curve: [AccuracyPoint], validation_accuracy_rolled_curve: [AccuracyPoint],
                adapter_init: AdapterInitSummary?, wall_seconds: Double, train_seconds: Double, seconds_per_step: Double,
                tokens_per_second: Double, peak_rss_bytes: Int, threads: Int, blas: BLASChoice, seconds_per_phase: [String: Double]) {
        self.task = task; self.method = method; self.profile = profile; self.steps = steps; self.settings = settings
        self.alg_normalization = alg_normalization; self.examples = examples; self.final = final
        self.cosine_per_layer = cosine_per_layer; self.validation_accuracy_curve = validation_accuracy_curve
        self.validation_accuracy_rolled_curve = validation_accuracy_rolled_curve; self.adapter_init = adapter_init
        self.wall_seconds = wall_seconds; self.train_seconds = train_seconds; self.seconds_per_step = seconds_per_step
        self.tokens_per_second = tokens_per_second; self.peak_rss_bytes = peak_rss_bytes; self.threads = threads
        self.blas = blas; self.seconds_per_phase = seconds_per_phase
    }

    public struct InitWeights: Codable, Sendable, Equatable {
        public var path: String, sha256: String
        public init(path: String, sha256: String) { self.path = path; self.sha256 = sha256 }
    }

    /// The summary's bytes (canonical JSON, indented).
    public func encoded() throws -> [UInt8] { try CanonicalJSON.pretty(canonicalJSON(self)) }
}

/// One line of log.jsonl: the losses of one step, and what was measured after it.
public struct DistillLogLine: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double, ce: Double, kl: Double
    /// Share of the task batch's answer tokens predicted right (under detach-and-roll where it acts).
    public var answer_accuracy: Double
    /// Injection only: the algorithm loss, its cosine per aligned layer, whether detach-and-roll acted.
    public var alg: Double?, cos: [Double]?, detach_and_roll: Bool?
    /// `--detach-and-roll-ramp`: the intervention's strength λ this step.
    public var detach_and_roll_strength: Double?
    /// `--output-emphasis`: the δ term (1 − cos of the output coordinates at the answer positions).
    public var output: Double?
    /// `--plain-ce`: the cross-entropy of the task pass without detach-and-roll (steps where it acts).
    public var ce_plain: Double?
    /// `--output-refit-every`: rows fitted at this step's refit and the refitted rows' argmax agreement.
    public var output_refit_rows: Int?, output_refit_agreement: Double?
    /// At validation steps: exact match and per-answer-token accuracy, plain and with detach-and-roll.
    public var validation_accuracy: Double?, validation_token_accuracy: [Double]?
    public var validation_accuracy_rolled: Double?, validation_token_accuracy_rolled: [Double]?

    public init(step: Int, loss: Double, ce: Double, kl: Double, answer_accuracy: Double) {
        self.step = step; self.loss = loss; self.ce = ce; self.kl = kl; self.answer_accuracy = answer_accuracy
    }

    /// The line's bytes (compact canonical JSON, no newline).
    public func encoded() throws -> [UInt8] { try CanonicalJSON.encode(canonicalJSON(self)) }
}
