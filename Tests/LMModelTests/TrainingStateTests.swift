// Training end to end on tiny models: a small batch is overfitted, save → load → continue gives
// the same bytes as training straight through, two runs with one seed give identical bytes.
import Foundation
import Testing
import Engine
import LM
import Tensor

@Suite(.serialized) struct TrainingStateTests {
    let b = 2, t = 8

    func makeOptimizer(_ m: TransformerLM, lr: Float) -> AdamW {
        AdamW(groups: [AdamWGroup(name: "lm", store: m.params, hyper: AdamWHyper(lr: lr, weightDecay: 0.01))])
    }

    /// One CE step; returns the loss.
    @discardableResult
    func step(_ m: TransformerLM, _ opt: AdamW, _ ids: [Int32]) throws -> Float {
        opt.zeroGrad()
        let out = try m.forward(ids, batch: b, seq: t, options: ForwardOptions(training: true))
        let (loss, _) = crossEntropyForwardBackward(logits: out.logits, targets: Tiny.nextTokenTargets(ids, batch: b, seq: t),
                                                    dlogits: out.logits, n: b * t, v: m.config.vocabSize)
        m.backward(dlogits: out.logits)
        opt.update()
        return loss
    }

    @Test(arguments: [Tiny.llama, Tiny.gpt2])
    func overfitsASmallBatch(_ c: ModelConfig) throws {
        let m = try TransformerLM(randomlyInitialized: c, seed: 11)
        let opt = makeOptimizer(m, lr: 1e-2)
        let ids = Tiny.tokens(b * t, seed: 5)
        let first = try step(m, opt, ids)
        var last = first
        for _ in 0..<300 { last = try step(m, opt, ids) }
        #expect(last < first / 10, "\(c.family): loss \(first) → \(last)")
    }

    @Test func resumeIsBitExact() throws {
        let ids = Tiny.tokens(b * t, seed: 6)
        let straight = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 12)
        let o1 = makeOptimizer(straight, lr: 1e-2)
        for _ in 0..<6 { try step(straight, o1, ids) }

        let first = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 12)
        let o2 = makeOptimizer(first, lr: 1e-2)
        for _ in 0..<3 { try step(first, o2, ids) }
        let bytes = try TrainingState.encode(o2, metadata: ["data.position": "3"])

        let resumed = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 99)   // different values, same layout
        let o3 = makeOptimizer(resumed, lr: 1e-2)
        let meta = try TrainingState.decode(bytes, into: o3)
        #expect(meta["data.position"] == "3" && o3.step == 3)
        #expect(try TrainingState.encode(o3, metadata: ["data.position": "3"]) == bytes)
        // the streamed file holds exactly the encoded bytes
        let path = FileManager.default.temporaryDirectory.path + "/graft-state-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingState.write(o3, metadata: ["data.position": "3"], to: path)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        for _ in 0..<3 { try step(resumed, o3, ids) }
        #expect(Tiny.bytes(resumed.params) == Tiny.bytes(straight.params))
    }

    @Test func wrongCheckpointIsRejected() throws {
        let m = try TransformerLM(randomlyInitialized: Tiny.llama, seed: 1)
        let other = try TransformerLM(randomlyInitialized: Tiny.gpt2, seed: 1)
        let bytes = try TrainingState.encode(makeOptimizer(other, lr: 1))
        #expect { try TrainingState.decode(bytes, into: makeOptimizer(m, lr: 1)) } throws: { "\($0)".contains("is missing") }
    }

    @Test func sameSeedSameThreadsSameBytes() throws {
        Threads.set(2)
        defer { Threads.set(1) }
        func run() throws -> [UInt32] {
            let m = try TransformerLM(randomlyInitialized: Tiny.gpt2, seed: 21)
            let opt = makeOptimizer(m, lr: 1e-2)
            for s in 0..<4 { try step(m, opt, Tiny.tokens(b * t, seed: UInt64(s))) }
            return Tiny.bytes(m.params)
        }
        #expect(try run() == run())
    }
}
