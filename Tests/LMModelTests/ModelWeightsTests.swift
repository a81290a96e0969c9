// Loading weights: exact names and shapes from the config, every problem named in one error.
import Testing
import Engine
import LM
import Tensor

@Suite struct ModelWeightsTests {
    func weights(_ c: ModelConfig) -> [String: HostTensor] {
        var w: [String: HostTensor] = [:]
        for (i, (name, shape)) in parameterTable(c).enumerated() {
            w[name] = HostTensor(shape: shape, data: Tiny.randomArray(shape.reduce(1, *), seed: UInt64(i + 1)))
        }
        return w
    }

    @Test(arguments: [Tiny.llama, Tiny.llamaUntied, Tiny.gpt2])
    func loadsExactly(_ c: ModelConfig) throws {
        let w = weights(c)
        let m = try TransformerLM(config: c, weights: w)
        for (name, t) in w { #expect(m.params.host(name) == t, "\(name)") }
    }

    @Test func mismatchesAreNamed() throws {
        var w = weights(Tiny.llama)
        let q = WeightNames.Llama.layer(1, "self_attn.q_proj.weight")
        w[q] = HostTensor(zeros: [16, 12])
        w[WeightNames.Llama.finalNorm] = nil
        w[WeightNames.Llama.lmHead] = HostTensor(zeros: [32, 16])
        do {
            _ = try TransformerLM(config: Tiny.llama, weights: w)
            Issue.record("mismatched weights were accepted")
        } catch let e as ModelWeightsError {
            #expect(e.problems.count == 3)
            #expect(e.description.contains("'\(q)' has shape [16, 12], the config needs [16, 16]"))
            #expect(e.description.contains("'model.norm.weight' is missing"))
            #expect(e.description.contains("'lm_head.weight' is not part") && e.description.contains("tied_embeddings"))
        }
    }

    @Test func invalidConfigIsRejected() {
        var c = Tiny.llama
        c.nKVHeads = 3
        #expect(throws: ModelConfigError.self) { try TransformerLM(randomlyInitialized: c, seed: 1) }
    }
}
