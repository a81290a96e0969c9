// Rotary position embedding in the Hugging Face "rotate half" convention (loaders hand over
// HF layouts): for pair (i, i + E/2) of every head, angle = pos · θ^(−2i/E). Applied in place.
// Legend: B batch, T positions, N = B·T, Hx heads of the tensor, E head dimension.
import Foundation
import Tensor

/// cos/sin tables [P, E/2] for positions 0..<P.
public struct RoPETable: Sendable {
    public let cos: [Float]
    public let sin: [Float]
    public let half: Int
    public let positions: Int

    public init(headDim: Int, positions: Int, theta: Float) {
        half = headDim / 2
        self.positions = positions
        var c = [Float](repeating: 0, count: positions * half), s = c
        for p in 0..<positions {
            for i in 0..<half {
                // HF computes the inverse frequencies in Float32; the angle is formed in Double.
                let inv = Float(Foundation.pow(Double(theta), -2 * Double(i) / Double(headDim)))
                let angle = Double(p) * Double(inv)
                c[p * half + i] = Float(Foundation.cos(angle)); s[p * half + i] = Float(Foundation.sin(angle))
            }
        }
        cos = c; sin = s
    }
}

/// x[N, Hx·E] rotated in place; position of token n is n mod T + offset. `inverse` applies the
/// transpose rotation (the backward: dx = Rᵀ dy).
public func ropeApply(_ x: UnsafeMutablePointer<Float>, table: RoPETable, b: Int, t: Int, heads: Int,
                      headDim: Int, positionOffset: Int = 0, inverse: Bool = false) {
    let half = headDim / 2
    let sign: Float = inverse ? -1 : 1
    table.cos.withUnsafeBufferPointer { cosT in
        table.sin.withUnsafeBufferPointer { sinT in
            for n in 0..<(b * t) {
                let p = n % t + positionOffset
                let c = cosT.baseAddress! + p * half, s = sinT.baseAddress! + p * half
                for h in 0..<heads {
                    let v = x + (n * heads + h) * headDim
                    for i in 0..<half {
                        let a = v[i], bb = v[i + half], si = sign * s[i]
                        v[i] = a * c[i] - bb * si
                        v[i + half] = bb * c[i] + a * si
                    }
                }
            }
        }
    }
}
