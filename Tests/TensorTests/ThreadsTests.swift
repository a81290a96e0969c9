// Thread control and the fixed-partition parallel loops.
import Testing
import Tensor

@Suite(.serialized) struct ThreadsTests {
    @Test func parallelForCoversEveryIndexOnce() {
        Threads.set(2)
        defer { Threads.set(1) }
        var hits = [Int](repeating: 0, count: 101)
        hits.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            parallelFor(101) { r in for i in r { p[i] += 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 })
        #expect(Threads.count == 2)
    }

    @Test func chunksDependOnlyOnSizeAndThreads() {
        Threads.set(2)
        defer { Threads.set(1) }
        #expect(chunkCount(100, minPerThread: 10) == 2)
        #expect(chunkCount(15, minPerThread: 10) == 1)
        var seen = [Int](repeating: -1, count: 10)
        seen.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            parallelChunks(10) { chunk, r in for i in r { p[i] = chunk } }
        }
        #expect(seen == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    }
}
