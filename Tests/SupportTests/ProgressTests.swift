// The progress bar in a log (stderr not a terminal): one line per `logEvery`, the last state
// once, and a final line again only when finish brings something new.
import Foundation
import Testing
@testable import Support

final class Lines: @unchecked Sendable {
    var text = ""
    var lines: [String] { text.split(separator: "\n").map(String.init) }
}

@Suite struct ProgressTests {
    func bar(_ out: Lines, logEvery: Double = 3600) -> ProgressBar {
        ProgressBar("work", total: 3, unit: "step", logEvery: logEvery, isTerminal: false) { out.text += $0 }
    }

    @Test func aLogGetsTheFinalStateOnce() {
        let out = Lines()
        let p = bar(out)
        p.advance()          // first line (nothing drawn yet)
        p.advance()          // within logEvery: not drawn
        p.advance()          // done == total: drawn
        p.finish()           // already shown
        #expect(out.lines.count == 2)
        #expect(out.lines[0].contains("1/3"))
        #expect(out.lines[1].contains("3/3"))
    }

    @Test func finishWithNewFieldsWritesThem() {
        let out = Lines()
        let p = bar(out)
        for _ in 0..<3 { p.advance(fields: [("loss", "1.0")]) }
        p.finish(fields: [("loss", "1.0")])
        #expect(out.lines.count == 2)
        p.finish(fields: [("loss", "0.5")])
        #expect(out.lines.count == 3)
        #expect(out.lines[2].hasSuffix("loss 0.5"))
    }

    @Test func aTerminalRedrawsInPlace() {
        let out = Lines()
        let p = ProgressBar("work", total: 2, unit: "it", logEvery: 10, isTerminal: true) { out.text += $0 }
        p.advance(); p.advance(); p.finish()
        #expect(out.text.hasPrefix("\r\u{1B}[2K"))
        #expect(out.text.hasSuffix("\n"))
        #expect(out.lines.count == 1)
    }

    @Test func aResumedBarCountsEarlierWorkButNotInItsRate() {
        let out = Lines()
        let p = ProgressBar("work", total: 2000, unit: "step", logEvery: 0, isTerminal: false) { out.text += $0 }
        p.resume(from: 374)
        Thread.sleep(forTimeInterval: 0.02)
        p.advance()
        // 375 shown; the rate is this process's one step over its elapsed time, not 375 steps in no time.
        #expect(out.lines.count == 1)
        #expect(out.lines[0].contains("375/2000"))
        let rate = out.lines[0].split(separator: " ").firstIndex(of: "step/s").map { Double(out.lines[0].split(separator: " ")[$0 - 1])! }
        // At most 1 step in ≥ 0.02 s: ≤ 50 step/s (counting the 374 carried steps would give ≥ 18,000).
        #expect(rate != nil && rate! <= 50)
    }
}
