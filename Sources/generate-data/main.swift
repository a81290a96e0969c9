// `generate-data`: Generates the task data sets and evaluation corpora (issue: generate-data).
// Not built yet: the command exits non-zero and writes nothing, so no pipeline stage can use it.
import ArgumentParser

struct GenerateData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-data",
        abstract: "Generates the task data sets and evaluation corpora (issue: generate-data).",
        discussion: "Not implemented yet: this stage exits with status 1 and writes nothing.")

    func run() throws {
        throw ValidationError("generate-data is not implemented yet (see the project's open issues)")
    }
}

GenerateData.main()
