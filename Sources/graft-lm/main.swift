// `graft-lm`: the language model from the command line: tokenize, generate, logits, bench.
// Each subcommand is a thin layer over LM library calls.
import ArgumentParser
import Support
import Tensor

struct GraftLm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graft-lm",
        abstract: "Load graft's base language model: tokenize, generate, logits, bench; blas: the kernels in use.",
        subcommands: [Tokenize.self, Generate.self, Logits.self, Bench.self, BLAS.self])
}

/// `--model` and the repository root, shared by every subcommand.
struct ModelOptions: ParsableArguments {
    @Option(help: "'default' (SmolLM2-135M-Instruct from vendor/packages), a .gguf file, or a Hugging Face folder.")
    var model: String = "default"

    @Option(help: "Repository root holding vendor/ (for --model default).")
    var root: String = "."
}

requireBuildCPU(program: "graft-lm")
chooseOpenBLASCore(program: "graft-lm", current: Threads.blasCoreName)
GraftLm.main()
