// `evaluate`: Task accuracy, OOD accuracy, perplexity, SST-2, MRPC, LAMBADA and the noise experiment (issue: evaluate).
// Not built yet: the command exits non-zero and writes nothing, so no pipeline stage can use it.
import ArgumentParser

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Task accuracy, OOD accuracy, perplexity, SST-2, MRPC, LAMBADA and the noise experiment (issue: evaluate).",
        discussion: "Not implemented yet: this stage exits with status 1 and writes nothing.")

    func run() throws {
        throw ValidationError("evaluate is not implemented yet (see the project's open issues)")
    }
}

Evaluate.main()
