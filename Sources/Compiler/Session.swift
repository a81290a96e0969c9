// Running a compiled model beside its RASP program: the program is re-parsed from the source
// stored in the model, evaluated (causally when the model is causal), and both outputs are
// reported per position; a trace decodes every variable after the embeddings and each layer.
import Craft
import JSONText
import RASP

public struct EvalSession: Sendable {
    public let model: CompiledModel
    public let program: Program
    public let runner: ModelRunner

    public init(model: CompiledModel) throws {
        self.model = model
        runner = ModelRunner(model)
        let parsed = try parseProgram(source: model.programSource, file: model.programFile,
                                      vocab: model.vocab.map(\.description), maxSeqLen: model.maxSeqLen)
        program = parsed.program
    }

    /// Input tokens as the program's token type.
    public func values(_ tokens: [String]) throws -> [Value] {
        try vocabValues(tokens, tokenType: model.tokenType, file: "input")
    }

    public func evaluate(_ tokens: [String], trace: Bool) throws -> JSONValue {
        let input = try values(tokens)
        let r = try runner.forward(input)
        let out = model.output
        let compiled = (1..<r.positions).map { model.decode(out, r.residuals.last!, position: $0) }
        let evaluation = try RASP.evaluate(program, input: input, causal: model.causal)
        let reference = evaluation.output(of: program)
        var fields: [String: JSONValue] = [
            "input": .array(input.map { JSONValue(rasp: $0) }),
            "output": .array(compiled.map { JSONValue(rasp: $0) }),
            "rasp": .array(reference.map { JSONValue(rasp: $0) }),
        ]
        if !evaluation.unsupported.isEmpty { fields["unsupported"] = .array(evaluation.unsupported.map { .string($0) }) }
        if trace {
            fields["trace"] = .array(r.residuals.enumerated().map { layer, residual in
                var vars: [String: JSONValue] = [:]
                for v in model.variables {
                    vars[v.label] = .array((1..<r.positions).map { JSONValue(rasp: model.decode(v, residual, position: $0)) })
                }
                return .object(["layer": JSONValue(layer), "variables": .object(vars)])
            })
        }
        return .object(fields)
    }
}
