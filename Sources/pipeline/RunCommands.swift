// `pipeline run` and `pipeline status`.
import ArgumentParser
import Foundation
import JSONText
import Pipeline

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run stage instances (and their stale upstream); explain why each runs, is skipped or is restored.")
    @OptionGroup var root: RootOption
    @Argument(help: "Stage instances or name prefixes (default: all).") var targets: [String] = []
    @Flag(help: "Rerun the targets (all stages when none is given) even when fresh.") var force = false
    @Flag(help: "Only say what would happen.") var dryRun = false
    @Option(help: "Stages to run at once.") var jobs = 1
    @Option(help: "Parameter profile: smoke, default or paper.") var profile = "default"
    @Flag(help: "Exit at once when another runner holds the store lock, instead of waiting.") var noWait = false
    @Flag(help: "After a stage fails, still run every stage that does not depend on it (exit status stays non-zero).") var keepGoing = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1 (stages to run at once), got \(jobs)") }
    }

    func run() throws {
        try reporting {
            var o = RunOptions()
            o.targets = targets; o.force = force; o.dryRun = dryRun; o.jobs = jobs; o.profile = profile; o.waitForLock = !noWait; o.keepGoing = keepGoing
            let s = try root.workspace().run(o, log: say)
            say("summary: \(s.ran.count) ran, \(s.restored.count) restored from the run cache, \(s.fresh.count) fresh"
                + (s.failed.isEmpty ? "" : ", \(s.failed.count) failed (\(s.failed.joined(separator: ", ")))")
                + (s.notStarted.isEmpty ? "" : ", \(s.notStarted.count) not started"))
            return s.interrupted ? 130 : s.succeeded ? 0 : 1
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say which stages are fresh, stale (and why) or never run. Exit 0 when all are fresh, 1 otherwise.")
    @OptionGroup var root: RootOption
    @Argument(help: "Stage instances or prefixes (default: all).") var targets: [String] = []
    @Option(help: "Parameter profile.") var profile = "default"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reporting {
            let all = try root.workspace().status(profile: profile, targets: targets)
            if json {
                say(try CanonicalJSON.string(.object(["profile": .string(profile), "stages": .array(all.map(\.json))])))
            } else {
                for s in all {
                    say("\(s.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(s.stage)\(s.reasons.isEmpty ? "" : ": " + s.reasons.joined(separator: "; "))")
                }
            }
            return all.allSatisfy { $0.state == .fresh } ? 0 : 1
        }
    }
}
