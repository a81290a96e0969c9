// `compile-rasp eval`: runs a compiled model on inputs from stdin (one per line, tokens
// separated by spaces, no BOS; or a JSON array of strings, for tokens such as " ") and prints,
// per line, the model's decoded output beside the RASP evaluator's (causal when the model is);
// --trace adds every variable after every layer.
import ArgumentParser
import Compiler
import CompiledModelFile
import JSONText

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a compiled model beside the RASP evaluator on stdin inputs.")

    @Argument(help: "A compiled model file.") var file: String
    @Flag(help: "Add the decoded value of every variable at every position after every layer.") var trace = false

    func run() throws {
        let model = try readCompiledModel(file)
        let session = try EvalSession(model: model)
        var lineNumber = 0
        while let line = readLine() {
            lineNumber += 1
            do {
                let tokens = try inputTokens(line)
                print(try CanonicalJSON.string(session.evaluate(tokens, trace: trace), doubles: .keepingKind))
            } catch {
                throw ValidationError("stdin line \(lineNumber): \(error)")
            }
        }
    }
}

/// A line's tokens: a JSON array of strings, or words separated by spaces.
func inputTokens(_ line: String) throws -> [String] {
    guard line.hasPrefix("[") else { return line.split(separator: " ").map(String.init) }
    guard let items = try parseJSON(line).arrayValue else { throw CompileError("expected a JSON array of strings") }
    return try items.map { item in
        guard let s = item.stringValue else { throw CompileError("expected a JSON array of strings, found \(item.kindName)") }
        return s
    }
}
