// `compile-rasp eval`: runs a compiled model on inputs from stdin (one per line, tokens
// separated by spaces, no BOS) and prints, per line, the model's decoded output beside the
// RASP evaluator's (causal when the model is); --trace adds every variable after every layer.
import ArgumentParser
import Compiler

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a compiled model beside the RASP evaluator on stdin inputs.")

    @Argument(help: "A compiled model file.") var file: String
    @Flag(help: "Add the decoded value of every variable at every position after every layer.") var trace = false

    func run() throws {
        let model = try readModel(file)
        let session = try EvalSession(model: model)
        var lineNumber = 0
        while let line = readLine() {
            lineNumber += 1
            let tokens = line.split(separator: " ").map(String.init)
            do {
                print(try session.evaluate(tokens, trace: trace).text)
            } catch {
                throw ValidationError("stdin line \(lineNumber): \(error)")
            }
        }
    }
}
