// AdamW with decoupled weight decay (PyTorch's torch.optim.AdamW update, step for step), over
// parameter groups that each own a ParameterStore and their own learning rate (METHOD §3.3:
// the LM at 1e-6, the adapter at 1e-4). Moments live in buffers of the store's layout.
import Foundation
import Tensor

public struct AdamWHyper: Sendable, Equatable, Codable {
    public var lr: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var eps: Float = 1e-8
    public var weightDecay: Float = 0.01
    public init(lr: Float, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        self.lr = lr; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }
}

public final class AdamWGroup: @unchecked Sendable {
    public let name: String
    public let store: ParameterStore
    public var hyper: AdamWHyper
    public let m: FloatBuffer
    public let v: FloatBuffer
    public init(name: String, store: ParameterStore, hyper: AdamWHyper) {
        self.name = name; self.store = store; self.hyper = hyper
        m = FloatBuffer(count: store.totalCount); v = FloatBuffer(count: store.totalCount)
    }
}

public final class AdamW: @unchecked Sendable {
    public let groups: [AdamWGroup]
    public private(set) var step: Int = 0

    public init(groups: [AdamWGroup]) { self.groups = groups }

    public func zeroGrad() { for g in groups { g.store.zeroGrad() } }

    /// Restores the step counter (checkpoint loading).
    public func setStep(_ s: Int) { step = s }

    /// One update of every parameter of every group from its gradient.
    public func update() {
        step += 1
        for g in groups {
            let h = g.hyper
            let bc1 = 1 - Foundation.pow(Double(h.beta1), Double(step))
            let bc2 = 1 - Foundation.pow(Double(h.beta2), Double(step))
            let stepSize = Float(Double(h.lr) / bc1)
            let bc2Sqrt = Float(bc2.squareRoot())
            let decay = 1 - h.lr * h.weightDecay
            let p = g.store.values.pointer, gr = g.store.grads.pointer, m = g.m.pointer, v = g.v.pointer
            let b1 = h.beta1, b2 = h.beta2, eps = h.eps
            parallelFor(g.store.totalCount, minPerThread: 1 << 16) { r in
                for i in r {
                    let gi = gr[i]
                    p[i] *= decay
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    p[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
                }
            }
        }
    }
}
