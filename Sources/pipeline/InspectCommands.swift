// `pipeline dag`, `pipeline show`, `pipeline export`.
import ArgumentParser
import Pipeline

struct Dag: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the stage graph in dependency order.")
    @OptionGroup var root: RootOption
    func run() throws { try reporting { say(try root.workspace().dagText()); return 0 } }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a stage instance: definition, key, inputs, outputs, metrics, last run.")
    @OptionGroup var root: RootOption
    @Argument(help: "Stage instance or prefix.") var target: String
    @Option(help: "Parameter profile.") var profile = "default"
    func run() throws { try reporting { say(try root.workspace().show(target, profile: profile)); return 0 } }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a stage instance's recorded outputs as plain files (decompressed, hash-verified).",
        discussion: "e.g. `pipeline export report --to docs/results` writes report.md, report.html, report.json and figures.tar. A stale or never-run stage is refused (run it first, or --allow-stale).")
    @OptionGroup var root: RootOption
    @Argument(help: "Stage instance or prefix.") var target: String
    @Option(help: "Directory to write into (created if missing).") var to: String
    @Option(name: .customLong("output"), help: "Only this output (repeatable; default all).") var outputs: [String] = []
    @Option(help: "Parameter profile.") var profile = "default"
    @Flag(help: "Export the outputs pipeline.lock records even if the stage is stale.") var allowStale = false
    func run() throws {
        try reporting {
            for line in try root.workspace().export(target, to: to, outputs: outputs, profile: profile, allowStale: allowStale) { say(line) }
            return 0
        }
    }
}
