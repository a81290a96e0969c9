// `distill`: Fine-tunes the pre-trained LM with tracr-injection or its baseline (issue: distill).
// Not built yet: the command exits non-zero and writes nothing, so no pipeline stage can use it.
import ArgumentParser

struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Fine-tunes the pre-trained LM with tracr-injection or its baseline (issue: distill).",
        discussion: "Not implemented yet: this stage exits with status 1 and writes nothing.")

    func run() throws {
        throw ValidationError("distill is not implemented yet (see the project's open issues)")
    }
}

Distill.main()
