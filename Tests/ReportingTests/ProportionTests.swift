// Accuracy intervals: Wilson's interval and Newcombe's interval of a difference against published
// values, and the table cell that shows them.
import Reporting
import Testing

@Suite struct ProportionTests {
    func close(_ a: (low: Double, high: Double), _ b: (Double, Double)) -> Bool { abs(a.low - b.0) < 5e-5 && abs(a.high - b.1) < 5e-5 }

    @Test func wilsonIntervalMatchesPublishedValues() {
        // Newcombe (1998), Table I: 0/10 → 0–0.2775, 5/10 (here by symmetry) → 0.2366–0.7634.
        #expect(close(Proportion(correct: 0, total: 10).interval(), (0, 0.2775)))
        #expect(close(Proportion(correct: 5, total: 10).interval(), (0.2366, 0.7634)))
        #expect(close(Proportion(correct: 10, total: 10).interval(), (0.7225, 1)))
    }

    @Test func newcombeDifferenceMatchesThePaper() {
        // Newcombe (1998), method 10 on 56/70 − 48/80: 0.0524 to 0.3339.
        let a = Proportion(correct: 56, total: 70), b = Proportion(correct: 48, total: 80)
        #expect(close(a.differenceInterval(from: b), (0.0524, 0.3339)))
        #expect(a.compared(with: b) == .higher && b.compared(with: a) == .lower)
        #expect(Proportion(correct: 5, total: 10).compared(with: Proportion(correct: 6, total: 10)) == .notSignificant)
        // 40 of 64 against 45 of 64 (SST-2 at the default size): 7.8 points apart, not significant.
        #expect(Proportion(correct: 40, total: 64).compared(with: Proportion(correct: 45, total: 64)) == .notSignificant)
    }

    @Test func cellShowsValueIntervalCountAndNote() {
        #expect(Cell.proportion(Proportion(correct: 175, total: 200), note: nil).plain == "87.5% [82.2–91.4] n=200")
        #expect(Cell.proportion(Proportion(correct: 0, total: 200), note: "n.s. vs no editing").plain == "0.0% [0.0–1.9] n=200 · n.s. vs no editing")
        #expect(Cell.proportion(Proportion(correct: 1, total: 2), note: nil).isNumeric)
    }
}
