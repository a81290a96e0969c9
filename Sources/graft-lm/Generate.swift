// `graft-lm generate` and `graft-lm logits`: greedy continuation of a prompt, and next-token
// logits per stdin line (one JSON string literal per line).
import ArgumentParser
import Foundation
import LM

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Greedily continue a prompt and print the text.")

    @OptionGroup var options: ModelOptions

    @Argument(help: "The prompt (special-token texts such as <|im_start|> are parsed).")
    var prompt: String

    @Option(help: "Maximum number of new tokens.")
    var maxTokens = 32

    func run() throws {
        let m = try loadModel(options.model, root: options.root)
        let model = try TransformerLM(config: m.config, weights: m.weights)
        FileHandle.standardOutput.write(Data(prompt.utf8))
        var pending: [Int] = []
        _ = try greedyGenerate(model, m.tokenizer, prompt: prompt, maxTokens: maxTokens) { id in
            pending.append(id)
            let text = m.tokenizer.decode(pending)
            if !text.contains("\u{FFFD}") { FileHandle.standardOutput.write(Data(text.utf8)); pending = [] }
        }
        print(m.tokenizer.decode(pending))
    }
}

struct Logits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per stdin line (a JSON string): {\"ids\":[…],\"top\":[[k ids] per position],\"last\":[logits of the last position]}.")

    @OptionGroup var options: ModelOptions

    @Option(help: "How many best ids to list per position.")
    var top = 5

    func run() throws {
        let m = try loadModel(options.model, root: options.root)
        let model = try TransformerLM(config: m.config, weights: m.weights)
        var n = 0
        while let line = readLine(strippingNewline: true) {
            n += 1
            guard let text = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed) as? String else {
                throw ValidationError("stdin line \(n): expected one JSON string literal")
            }
            print(try logitsJSONLine(model, m.tokenizer, text: text, top: top))
        }
    }
}
