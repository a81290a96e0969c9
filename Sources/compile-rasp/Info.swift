// `compile-rasp info`: the structure of a compiled model file.
import ArgumentParser
import Compiler
import CompiledModelFile

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a compiled model: layers, heads, MLP sizes, residual labels.")

    @Argument(help: "A compiled model file.") var file: String
    @Flag(help: "Print the metadata as JSON.") var json = false

    func run() throws {
        let model = try readCompiledModel(file)
        if json { print(try model.metadataText()); return }
        print("program: \(model.programFile)")
        print("vocab (\(model.vocab.count)): \(model.vocab.map(\.description).joined(separator: " "))")
        print("max_seq_len \(model.maxSeqLen), causal \(model.causal), bos \(model.bos), mlp_exactness \(model.mlpExactness)")
        print("residual width \(model.width), layers \(model.layers.count), key size \(model.keySize), output \(model.outputLabel)")
        for (i, l) in model.layers.enumerated() {
            print("  layer \(i): attention \(l.heads.count) head\(l.heads.count == 1 ? "" : "s"), MLP hidden \(l.mlpHidden)")
        }
        print("variables (\(model.variables.count)):")
        for v in model.variables { print("  \(v.label) [\(v.encoding.rawValue), \(v.dims.count) dim\(v.dims.count == 1 ? "" : "s")]") }
        print("labels: \(model.residualLabels.joined(separator: " "))")
    }
}
