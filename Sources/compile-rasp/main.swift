// `compile-rasp`: not built yet; the command exits non-zero and writes nothing.
import ArgumentParser

struct CompileRasp: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compile-rasp", abstract: "Not implemented yet.")
    func run() throws { throw ValidationError("compile-rasp is not implemented yet (see the project's open issues)") }
}

CompileRasp.main()
