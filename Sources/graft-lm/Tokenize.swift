// `graft-lm tokenize`: one JSON string literal per stdin line → one JSON array of ids per line
// (no BOS; special-token texts such as <|im_end|> become their ids unless --no-parse-special).
import ArgumentParser
import LM

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tokenize stdin: one JSON string per line in, one JSON array of token ids per line out.")

    @OptionGroup var options: ModelOptions

    @Flag(inversion: .prefixedNo, help: "Turn special-token texts (e.g. <|im_end|>) into their ids.")
    var parseSpecial = true

    @Option(help: "Remove merges before tokenizing: multi-digit, single-bracket (repeatable).")
    var removeMerges: [String] = []

    func run() throws {
        var tokenizer = try loadTokenizer(model: options.model, root: options.root)
        if !removeMerges.isEmpty {
            let filters = try removeMerges.map { name in
                guard let f = MergeFilter(rawValue: name) else {
                    throw ValidationError("--remove-merges \(name): expected one of \(MergeFilter.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return f
            }
            tokenizer = try tokenizer.removingMerges(filters)
        }
        var n = 0
        while let line = readLine(strippingNewline: true) {
            n += 1
            print(try tokenizeJSONLine(line, with: tokenizer, parseSpecial: parseSpecial, lineNumber: n))
        }
    }
}
