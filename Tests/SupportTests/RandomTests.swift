// The seeded generator: fixed reference values (so a change of algorithm is caught), ranges,
// and independence of derived streams.
import Testing
@testable import Support

@Suite struct RandomTests {
    @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
        var a = SeededRNG(seed: 42), b = SeededRNG(seed: 42), c = SeededRNG(seed: 43)
        let xa = (0..<8).map { _ in a.next() }, xb = (0..<8).map { _ in b.next() }, xc = (0..<8).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func referenceValuesArePinned() {
        // SplitMix64(0) gives the published first output 0xE220A8397B1DCDAF; the xoshiro256**
        // outputs below were computed from the algorithm's definition by an independent script.
        var g = SeededRNG(seed: 0)
        #expect(g.state[0] == 0xE220_A839_7B1D_CDAF)
        #expect((0..<3).map { _ in g.next() } == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
    }

    @Test func rangesAndMoments() {
        var g = SeededRNG(seed: 7)
        var counts = [Int](repeating: 0, count: 5)
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<50_000 {
            counts[g.below(5)] += 1
            let f = g.unitFloat(); #expect(f >= 0 && f < 1)
            let n = g.normal(); sum += n; sumSq += n * n
        }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        #expect(abs(sum / 50_000) < 0.03)
        #expect(abs(sumSq / 50_000 - 1) < 0.05)
    }

    @Test func derivedStreamsDifferAndAreStable() {
        let g = SeededRNG(seed: 1)
        var a = g.derived("data"), b = g.derived("noise"), again = g.derived("data")
        let x = a.next()
        #expect(x != b.next())
        #expect(x == again.next())
    }

    @Test func stateRoundTrips() {
        var g = SeededRNG(seed: 9)
        _ = g.next()
        var r = SeededRNG(state: g.state)
        #expect(r.next() == g.next())
    }
}
