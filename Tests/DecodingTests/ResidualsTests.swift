// The residual streams decoding reads: LM residuals 0...k are the forward pass's (residual 0 =
// embeddings), an adapter file's map applies as y = x·Wᵀ + b, the identity is the identity, and
// compiled residuals come from the compiled model's own forward pass.
import Compiler
import Injection
import LM
import Tensor
import Testing
import Decoding

@Suite struct ResidualsTests {
    @Test func lmResidualsAreTheForwardPasss() throws {
        let (model, _) = try loadRunnableModel(try tinyGPT2Folder(layers: 2, seed: 3))
        let tokens = [40, 41, 91, 93, 58]
        let r = try lmResiduals(model, tokens: tokens, layers: 0...2)
        #expect(r.count == 3 && r.allSatisfy { $0.count == 5 * 16 })
        let out = try model.forward(tokens.map(Int32.init), batch: 1, seq: 5)
        for i in 0...2 { #expect(r[i] == Array(UnsafeBufferPointer(start: out.residual(i), count: 80))) }
        #expect(r[0] != r[1])
        #expect(throws: DecodeError.self) { try lmResiduals(model, tokens: tokens, layers: 0...3) }
        #expect(throws: DecodeError.self) { try lmResiduals(model, tokens: [], layers: 0...1) }
        #expect(try lmResiduals(model, tokens: tokens, at: [0, 2]) == [r[0], r[2]])
        #expect(throws: DecodeError.self) { try lmResiduals(model, tokens: tokens, at: [1, 3]) }
    }

    @Test func truncatedModelsKeepTheResiduals() throws {
        let (model, _) = try loadRunnableModel(try tinyGPT2Folder(layers: 4, seed: 5))
        let tokens = [40, 41, 91, 93, 58, 32]
        let short = try truncatedModel(model, blocks: 2)
        #expect(short.config.nLayers == 2)
        #expect(try lmResiduals(short, tokens: tokens, layers: 0...2) == (try lmResiduals(model, tokens: tokens, layers: 0...2)))
        #expect(try truncatedModel(model, blocks: 4) === model)
        #expect(throws: DecodeError.self) { try truncatedModel(model, blocks: 5) }
    }

    @Test func affineMapsApply() throws {
        let adapter = Adapter(lmWidth: 3, compiledWidth: 2, seed: 4)
        let map = AffineMap(adapter)
        let x: [Float] = [1, 2, 3, -1, 0, 0.5]
        let y = try map.apply(x, rows: 2)
        for r in 0..<2 { for o in 0..<2 {
            var s = adapter.bias[o]
            for j in 0..<3 { s += adapter.weight[o * 3 + j] * x[r * 3 + j] }
            #expect(abs(y[r * 2 + o] - s) < 1e-6)
        } }
        #expect(try AffineMap.identity(3).apply(x, rows: 2) == x)
        #expect(throws: LeastSquaresError.self) { try map.apply(x, rows: 3) }
    }

    @Test func compiledResidualsAreTheRunners() throws {
        let runner = ModelRunner(tinyCompiled)
        let input = try compiledValues(["bos", "(", ")", "compute"], for: tinyCompiled)
        let r = try compiledResiduals(runner, input: input, layers: tinyCompiled.layers.count)
        #expect(r.count == tinyCompiled.layers.count + 1 && r[0].count == 4 * tinyCompiled.width)
        #expect(r.last! == (try runner.forward(input)).residuals.last!)
        #expect(throws: DecodeError.self) { try compiledResiduals(runner, input: input, layers: 99) }
    }
}
