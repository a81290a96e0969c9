// Decoding accuracy: fed the compiled model's own residual stream through the identity adapter
// (C → C), every variable decodes to the compiled model's value at every layer (100%), for a
// tiny program and the paper's shuffle-Dyck; a scrambled adapter scores below 100%; and the
// least-squares control recovers the identity from compiled residuals.
import Compiler
import Foundation
import RASP
import Tensor
import Testing
import Decoding

@Suite struct DecodingAccuracyTests {
    static let inputs: [[String]] = [["(", "[", ")", "]", " ", "compute"], ["(", "(", "{", "}", ")", ")", "compute"],
                                     ["]", " ", "(", "compute"], ["{", "[", "(", ")", "]", "}", " ", " ", "compute"]]

    func examples(_ model: CompiledModel) throws -> [AlignedExample] {
        try Self.inputs.map { s in
            AlignedExample(lmTokens: Array(0..<s.count), compiledInput: try compiledValues(["bos"] + s, for: model),
                           lmToCompiled: Array(1...s.count))
        }
    }

    /// The compiled residuals 0...k at the aligned positions: what a perfect LM + adapter would give.
    func ownStream(_ runner: ModelRunner, _ k: Int) -> (AlignedExample) throws -> [[Float]] {
        { e in
            let c = runner.model.width
            return try compiledResiduals(runner, input: e.compiledInput, layers: k).map { r in
                e.lmToCompiled.flatMap { p in Array(r[(p * c)..<((p + 1) * c)]) }
            }
        }
    }

    func check(_ model: CompiledModel) throws {
        let runner = ModelRunner(model), k = model.layers.count
        let decoder = try ResidualDecoder(labels: model.residualLabels)
        let tally = try scoreDecoding(try examples(model), layers: k, decoder: decoder, runner: runner,
                                      map: .identity(model.width), residuals: ownStream(runner, k))
        #expect(tally.positions == Self.inputs.map(\.count).reduce(0, +))
        #expect(!tally.variables.isEmpty && tally.variables.contains("tokens") && tally.variables.contains(model.outputLabel))
        for (v, layers) in tally.fractions {
            #expect(layers.count == k + 1)
            #expect(layers.allSatisfy { $0 == nil || $0 == 1 }, "variable \(v): \(layers)")
        }
        // Variables exist from the layer that writes them on; tokens and indices from the embeddings.
        #expect(tally.fractions["tokens"]?.allSatisfy { $0 == 1 } == true)
        #expect(tally.fractions[model.outputLabel]?.first == .some(nil) && tally.fractions[model.outputLabel]?.last == 1)
    }

    @Test func identityAdapterOnTheCompiledStreamIsExact() throws { try check(tinyCompiled) }

    @Test func paperShuffleDyckIsExact() throws {
        let source = try String(contentsOfFile: repoRoot + "/stages/programs/shuffle_dyck.rasp", encoding: .utf8)
        let model = try compile(source: source, file: "shuffle_dyck.rasp", vocab: ["(", ")", "[", "]", "{", "}", " ", "compute"],
                                maxSeqLen: 40, causal: true)
        #expect(model.width == 684)
        try check(model)
    }

    @Test func aScrambledAdapterIsNotExact() throws {
        let model = tinyCompiled, runner = ModelRunner(model), k = model.layers.count, c = model.width
        var map = AffineMap.identity(c)
        for i in 0..<c { for j in 0..<c { map.weight[i * c + j] = i == (j + 1) % c ? 1 : 0 } }   // a cyclic shift of dims
        let tally = try scoreDecoding(try examples(model), layers: k, decoder: try ResidualDecoder(labels: model.residualLabels),
                                      runner: runner, map: map, residuals: ownStream(runner, k))
        #expect(tally.fractions.values.contains { $0.contains { ($0 ?? 1) < 1 } })
    }

    @Test func leastSquaresOnTheCompiledStreamRecoversDecoding() throws {
        // Fit C → C from compiled residuals to themselves: the fitted map must decode exactly too.
        let model = tinyCompiled, runner = ModelRunner(model), k = model.layers.count, c = model.width
        var eq = NormalEquations(inputWidth: c, outputWidth: c)
        for e in try examples(model) {
            let rows = try ownStream(runner, k)(e).flatMap { $0 }
            try eq.add(x: rows, y: rows, rows: rows.count / c)
        }
        let map = try eq.solve(ridge: 1e-6)
        let tally = try scoreDecoding(try examples(model), layers: k, decoder: try ResidualDecoder(labels: model.residualLabels),
                                      runner: runner, map: map, residuals: ownStream(runner, k))
        #expect(tally.fractions.values.allSatisfy { $0.allSatisfy { $0 == nil || $0 == 1 } }, "\(tally.fractions)")
    }

    @Test func badInputIsAnError() throws {
        #expect(throws: DecodeError.self) { try compiledValues(["(", ")"], for: tinyCompiled) }            // no bos
        do { _ = try compiledValues(["bos", "x"], for: tinyCompiled, line: "f:3: "); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("f:3: compiled token \"x\" is not in the compiled model's vocabulary"))
        }
        let runner = ModelRunner(tinyCompiled)
        #expect(throws: DecodeError.self) {
            try scoreDecoding(try examples(tinyCompiled), layers: 1, decoder: try ResidualDecoder(labels: tinyCompiled.residualLabels),
                              runner: runner, map: .identity(3)) { _ in [] }
        }
    }
}
