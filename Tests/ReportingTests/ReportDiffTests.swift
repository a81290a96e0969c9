// Tests for reportDiff: deltas, one-sided metrics, verdicts, Markdown and JSON forms.
import Foundation
import Testing
@testable import Reporting

@Suite struct ReportDiffTests {
    let a: [String: Metric] = ["acc": Metric(0.9, higherIsBetter: true), "loss": Metric(1.5, higherIsBetter: false),
                               "old": Metric(3), "same": Metric(2, higherIsBetter: true)]
    let b: [String: Metric] = ["acc": Metric(0.95, higherIsBetter: true), "loss": Metric(1.7, higherIsBetter: false),
                               "new": Metric(4, unit: "s"), "same": Metric(2, higherIsBetter: true)]

    @Test func rows() {
        let d = reportDiff(a: a, b: b, labelA: "run1", labelB: "run2")
        #expect(d.rows.map(\.name) == ["acc", "loss", "new", "old", "same"])
        #expect(d.onlyInA == ["old"] && d.onlyInB == ["new"])
        #expect(abs(d.rows[0].delta! - 0.05) < 1e-12)
        #expect(d.rows[0].verdict == "better" && d.rows[1].verdict == "worse" && d.rows[4].verdict == "same")
        #expect(d.rows[2].a == nil && d.rows[2].delta == nil && d.rows[2].unit == "s")
        #expect(d.rows[3].verdict == nil)
    }

    @Test func markdownTable() throws {
        let md = try reportDiff(a: a, b: b, labelA: "run1", labelB: "run2").markdown(format: .fixed(2))
        #expect(md == """
        **run1 vs run2**

        | metric | run1 | run2 | Δ (run2 − run1) | note |
        | --- | --- | --- | --- | --- |
        | acc | 0.90 | 0.95 | +0.05 | better |
        | loss | 1.50 | 1.70 | +0.20 | worse |
        | new (s) | absent | 4.00 | — | only in run2 |
        | old | 3.00 | absent | — | only in run1 |
        | same | 2.00 | 2.00 | 0.00 | same |

        """)
    }

    @Test func jsonRoundTripsAndIsStable() throws {
        let d = reportDiff(a: a, b: b)
        let data = try d.json()
        #expect(try JSONDecoder().decode(MetricDiff.self, from: data) == d)
        #expect(data == (try reportDiff(a: a, b: b).json()))
        #expect(String(decoding: data, as: UTF8.self).contains("\"presence\" : \"onlyA\""))
    }

    @Test func emptyMaps() throws {
        let d = reportDiff(a: [:], b: [:])
        #expect(d.rows.isEmpty)
        #expect(try d.markdown().hasSuffix("| --- | --- | --- | --- | --- |\n"))
    }
}
