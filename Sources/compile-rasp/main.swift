// `compile-rasp`: compiles a .rasp program into a transformer (safetensors + JSON metadata),
// describes a compiled file, or runs it beside the RASP evaluator. Subcommands live in their
// own files; the work happens in the Compiler library.
import ArgumentParser

struct CompileRasp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile-rasp",
        abstract: "Compile RASP programs to transformer weights with a labelled residual basis (as tracr does).",
        subcommands: [Build.self, Info.self, Eval.self],
        defaultSubcommand: Build.self)
}

CompileRasp.main()
