// `compile-rasp build`: PROGRAM.rasp + vocabulary + max_seq_len → compiled model file.
import ArgumentParser
import Foundation
import Compiler
import CompiledModelFile
import Support

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile a .rasp program into a safetensors model file.")

    @Argument(help: "The .rasp program.") var program: String
    @Option(help: "Comma-separated vocabulary without BOS/PAD (a backslash escapes: \\, is a comma token).") var vocab: String
    @Option(help: "Longest input the model accepts (BOS not counted).") var maxSeqLen: Int
    @Flag(help: "Causal attention (each position sees itself and earlier ones).") var causal = false
    @Option(help: "The compiler's BOS token.") var bos = "bos"
    @Option(help: "The compiler's PAD token.") var pad = "pad"
    @Option(help: "Slope of the discretising MLPs (tracr's mlp_exactness).") var mlpExactness: Double = 100
    @Option(help: "Output file.") var out: String

    func run() throws {
        guard let source = try? String(contentsOfFile: program, encoding: .utf8) else {
            throw ValidationError("cannot read the program \(program)")
        }
        let start = monotonicSeconds()
        let model = try compile(source: source, file: program, vocab: try splitVocabulary(vocab), maxSeqLen: maxSeqLen, causal: causal,
                                bos: bos, pad: pad, mlpExactness: mlpExactness)
        let summary = "\(model.layers.count) layers, residual width \(model.width), output \(model.outputLabel)"
        try writeCompiledModel(model, to: out)
        print("compiled \(program): \(summary) → \(out) (\(String(format: "%.2f", monotonicSeconds() - start)) s)")
    }
}
