// `pipeline dag`, `pipeline show`.
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
