// `pipeline`: not built yet; the command exits non-zero and writes nothing.
import ArgumentParser

struct Pipeline: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pipeline", abstract: "Not implemented yet.")
    func run() throws { throw ValidationError("pipeline is not implemented yet (see the project's open issues)") }
}

Pipeline.main()
