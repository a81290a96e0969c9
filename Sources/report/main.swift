// `report`: Writes the paper's tables and figures next to the paper's numbers (issue: report).
// Not built yet: the command exits non-zero and writes nothing, so no pipeline stage can use it.
import ArgumentParser

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Writes the paper's tables and figures next to the paper's numbers (issue: report).",
        discussion: "Not implemented yet: this stage exits with status 1 and writes nothing.")

    func run() throws {
        throw ValidationError("report is not implemented yet (see the project's open issues)")
    }
}

Report.main()
