// `graft-lm`: not built yet; the command exits non-zero and writes nothing.
import ArgumentParser

struct GraftLm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graft-lm", abstract: "Not implemented yet.")
    func run() throws { throw ValidationError("graft-lm is not implemented yet (see the project's open issues)") }
}

GraftLm.main()
