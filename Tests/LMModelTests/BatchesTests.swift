// Batch planning (sorted, bounded by rows and tokens, every sequence exactly once) and the LM
// head on chosen positions against the model's own full logits.
import Testing
@testable import LM

@Suite struct BatchesTests {
    @Test func plansSortedBoundedBatchesCoveringEverySequence() {
        let lengths = [5, 3, 9, 3, 7, 1, 12, 4, 4, 6]
        let batches = planBatches(lengths: lengths, shape: BatchShape(rows: 3, tokens: 20))
        #expect(batches.flatMap(\.members).sorted() == Array(lengths.indices))
        for b in batches {
            #expect(b.members.count <= 3)
            #expect(b.seq == b.members.map { lengths[$0] }.max())
            #expect(b.seq * b.members.count <= 20 || b.members.count == 1)
        }
        let order = batches.flatMap(\.members).map { lengths[$0] }
        #expect(order == order.sorted())
        // ties keep index order
        #expect(batches.flatMap(\.members).filter { lengths[$0] == 3 } == [1, 3])
        // a sequence longer than the token budget gets a batch of its own
        let alone = planBatches(lengths: [2, 50, 2], shape: BatchShape(rows: 4, tokens: 10))
        #expect(alone.contains(Batch(members: [1], seq: 50)))
    }

    @Test func paddingIsOnTheRight() {
        let ids = paddedIDs([[1, 2], [3, 4, 5]], Batch(members: [0, 1], seq: 3), pad: 9)
        #expect(ids == [1, 2, 9, 3, 4, 5])
    }

    @Test(arguments: [Tiny.long(Tiny.llama), Tiny.long(Tiny.gpt2)])
    func headOnChosenPositionsEqualsFullLogits(_ c: ModelConfig) throws {
        let m = try Tiny.peaked(c, scale: 3)
        let ids = Tiny.tokens(2 * 7, seed: 5)
        let full = try m.forward(ids, batch: 2, seq: 7)
        let reference = Array(UnsafeBufferPointer(start: full.logits, count: 14 * c.vocabSize))
        let out = try m.forward(ids, batch: 2, seq: 7, options: ForwardOptions(computeLogits: false))
        let head = LogitHead(m)
        let positions = [0, 6, 9, 13]
        let l = head.logits(out, positions: positions)
        for (r, p) in positions.enumerated() {
            for j in 0..<c.vocabSize {
                #expect(abs(l[r * c.vocabSize + j] - reference[p * c.vocabSize + j]) < 1e-4)
            }
        }
        let cols = head.logits(out, positions: positions, columns: [3, 30])
        for (r, p) in positions.enumerated() {
            #expect(abs(cols[r][0] - reference[p * c.vocabSize + 3]) < 1e-4)
            #expect(abs(cols[r][1] - reference[p * c.vocabSize + 30]) < 1e-4)
        }
        let best = head.argmax(out, positions: positions)
        for (r, p) in positions.enumerated() {
            let row = Array(reference[(p * c.vocabSize)..<((p + 1) * c.vocabSize)])
            #expect(best[r] == row.firstIndex(of: row.max()!)!)
        }
    }
}
