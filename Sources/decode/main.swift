// `decode`: Reads the injected variables back out of the LM's residual stream (issue: decode).
// Not built yet: the command exits non-zero and writes nothing, so no pipeline stage can use it.
import ArgumentParser

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Reads the injected variables back out of the LM's residual stream (issue: decode).",
        discussion: "Not implemented yet: this stage exits with status 1 and writes nothing.")

    func run() throws {
        throw ValidationError("decode is not implemented yet (see the project's open issues)")
    }
}

Decode.main()
