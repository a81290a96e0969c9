// `graft-lm bench`: loading and tokenizer speed figures (release build; see LoaderBenchmark).
import ArgumentParser
import LM

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print loading and tokenizer speed figures.")

    @OptionGroup var options: ModelOptions

    @Option(help: "Number of task-like strings to tokenize.")
    var strings = 100_000

    func run() throws {
        for line in try benchmarkLoading(model: options.model, root: options.root, strings: strings).lines { print(line) }
    }
}
