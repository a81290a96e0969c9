// The adapter: forward/backward against finite differences (in Double), and its file round trip
// with clear errors for foreign or corrupt files.
import Testing
import Foundation
import Tensor
@testable import Injection

@Suite struct AdapterTests {
    @Test func backwardMatchesFiniteDifferences() {
        let d = 5, c = 4, n = 3
        let a = Adapter(lmWidth: d, compiledWidth: c, seed: 1)
        let x = (0..<(n * d)).map { Float(sin(Double($0) * 0.7)) }
        let r = (0..<(n * c)).map { Float(cos(Double($0) * 1.3)) }   // loss = Σ r·y
        var dx = [Float](repeating: 0, count: n * d)
        a.params.zeroGrad()
        x.withUnsafeBufferPointer { xp in r.withUnsafeBufferPointer { rp in
            a.backward(dx: &dx, dy: rp.baseAddress!, x: xp.baseAddress!, n: n)
        } }
        func loss(_ x: [Float]) -> Double {
            var y = [Float](repeating: 0, count: n * c)
            a.forward(&y, x, n: n)
            return zip(y, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        for i in 0..<x.count {
            var p = x, m = x
            p[i] += 1e-2; m[i] -= 1e-2
            #expect(abs((loss(p) - loss(m)) / 2e-2 - Double(dx[i])) < 1e-3)
        }
        let gw = a.params.grads.array
        for i in 0..<a.params.totalCount {
            let v = a.params.values.pointer[i]
            a.params.values.pointer[i] = v + 1e-2; let lp = loss(x)
            a.params.values.pointer[i] = v - 1e-2; let lm = loss(x)
            a.params.values.pointer[i] = v
            #expect(abs((lp - lm) / 2e-2 - Double(gw[i])) < 1e-3)
        }
    }

    @Test func fileRoundTripAndErrors() throws {
        let a = Adapter(lmWidth: 6, compiledWidth: 3, seed: 2)
        let info = AdapterInfo(layers: 2, outputDims: [0, 2], extra: ["task": "dyck"])
        let bytes = try AdapterFile.encode(a, info: info)
        let (b, i2) = try AdapterFile.decode(bytes, source: "x")
        #expect(b.params.values.array == a.params.values.array)
        #expect(i2 == info)
        #expect(try AdapterFile.encode(a, info: info) == bytes)
        #expect(throws: (any Error).self) { _ = try AdapterFile.decode(Array(bytes.prefix(bytes.count / 2)), source: "truncated") }
        #expect(throws: InjectionError.self) { _ = try AdapterFile.read("/nonexistent/adapter.safetensors") }
    }
}
