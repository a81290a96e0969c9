// A terminal progress bar for long work: count, rate, ETA and free-form fields (loss terms,
// cosines), redrawn at most a few times a second on stderr. When stderr is not a terminal it
// prints a plain line every `logEvery` seconds instead, so CI logs stay readable.
import Foundation

public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let unit: String
    private let isTerminal: Bool
    private let logEvery: Double
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lock = NSLock()
    /// The count and fields of the last line drawn (a log gets no second, identical final line).
    private var lastDrawn: (done: Int, fields: String)?
    private(set) public var done = 0
    /// Work done before this process (a resumed run): shown in the count, left out of the rate.
    private var carried = 0

    private let write: (String) -> Void

    public convenience init(_ label: String, total: Int, unit: String = "it", logEvery: Double = 10) {
        self.init(label, total: total, unit: unit, logEvery: logEvery, isTerminal: isatty(STDERR_FILENO) == 1) {
            FileHandle.standardError.write(Data($0.utf8))
        }
    }

    /// Writes through `write` instead of stderr (tests read what a log would get).
    init(_ label: String, total: Int, unit: String, logEvery: Double, isTerminal: Bool, write: @escaping (String) -> Void) {
        self.label = label
        self.total = max(total, 0)
        self.unit = unit
        self.isTerminal = isTerminal
        self.logEvery = logEvery
        self.write = write
    }

    /// Counts `n` units done by an earlier process (a run resumed from a checkpoint): they fill the
    /// bar but not the rate, so the ETA is the one of this process's pace. Call before `advance`.
    public func resume(from n: Int) {
        lock.lock(); defer { lock.unlock() }
        precondition(done == carried, "ProgressBar.resume(from:) after advance")
        carried = max(0, min(n, total)); done = carried
    }

    /// Advances by `n` and redraws if enough time has passed. `fields` are shown after the ETA.
    public func advance(_ n: Int = 1, fields: [(String, String)] = []) {
        lock.lock(); defer { lock.unlock() }
        done += n
        let now = Date()
        let interval = isTerminal ? 0.2 : logEvery
        if now.timeIntervalSince(lastDraw) >= interval || done >= total {
            lastDraw = now
            draw(now: now, fields: fields)
        }
    }

    /// Draws the final state and ends the line. In a log (stderr not a terminal) the final state
    /// is written only if the last line written does not already show it.
    public func finish(fields: [(String, String)] = []) {
        lock.lock(); defer { lock.unlock() }
        if !isTerminal, let last = lastDrawn, last.done == done, last.fields == Self.describe(fields) || fields.isEmpty { return }
        draw(now: Date(), fields: fields)
        if isTerminal { write("\n") }
    }

    private static func describe(_ fields: [(String, String)]) -> String { fields.map { "\($0.0) \($0.1)" }.joined(separator: " ") }

    private func draw(now: Date, fields: [(String, String)]) {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - carried) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : .nan
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: min(filled, width)) + String(repeating: "·", count: max(width - filled, 0))
        var line = "\(label) \(bar) \(done)/\(total) \(String(format: "%.1f", rate)) \(unit)/s "
        line += "elapsed \(formatDuration(elapsed)) ETA \(remaining.isFinite ? formatDuration(remaining) : "?")"
        for (k, v) in fields { line += " \(k) \(v)" }
        lastDrawn = (done, Self.describe(fields))
        let text = isTerminal ? "\r\u{1B}[2K" + line : line + "\n"
        write(text)
    }
}

/// "1h02m", "3m07s", "12.3s".
public func formatDuration(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let s = Int(seconds.rounded())
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
