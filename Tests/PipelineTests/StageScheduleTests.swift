// The run's scheduling alone, without processes: dependency order, the --jobs limit, a failure
// stopping new starts (unless keepGoing), keepGoing still blocking the failed stage's downstream
// and reporting it not started, an interruption, and a stage whose upstream is not selected.
import Artifacts
import Testing
@testable import Pipeline

@Suite struct StageScheduleTests {
    let out = ["data": Digest.of("x")]

    /// Every step `next` gives until it gives nil.
    func drain(_ s: inout StageSchedule) -> [StageSchedule.Step] {
        var steps: [StageSchedule.Step] = []
        while let step = s.next() { steps.append(step) }
        return steps
    }

    @Test func upstreamFirst() {
        // a → b → c, and d alone; four places, so only dependencies hold stages back.
        var s = StageSchedule(order: ["a", "d", "b", "c"], upstream: ["b": ["a"], "c": ["b"]], jobs: 4, keepGoing: false)
        #expect(drain(&s) == [.ready("a"), .ready("d")])
        s.markDone("d", outputs: out)
        #expect(s.next() == nil)
        s.markDone("a", outputs: out)
        #expect(s.outputs(of: "a") == out && s.outputs(of: "b") == nil)
        #expect(drain(&s) == [.ready("b")])
        s.markDone("b", outputs: [:])
        #expect(drain(&s) == [.ready("c")])
        s.markDone("c", outputs: [:])
        #expect(s.next() == nil && s.pending.isEmpty && s.active.isEmpty)
    }

    @Test func jobsLimitsActiveStages() {
        var s = StageSchedule(order: ["a", "b", "c", "d"], upstream: [:], jobs: 2, keepGoing: false)
        #expect(drain(&s) == [.ready("a"), .ready("b")])
        #expect(s.active == ["a", "b"] && s.pending == ["c", "d"])
        s.markDone("b", outputs: out)
        #expect(drain(&s) == [.ready("c")])
        s.markDone("a", outputs: out)
        #expect(drain(&s) == [.ready("d")])
        // jobs below 1 means one at a time.
        var one = StageSchedule(order: ["a", "b"], upstream: [:], jobs: 0, keepGoing: false)
        #expect(drain(&one) == [.ready("a")])
    }

    @Test func failureStopsNewStarts() {
        // a fails while b runs; c (independent) and d (after a) never start; b still finishes.
        var s = StageSchedule(order: ["a", "b", "c", "d"], upstream: ["d": ["a"]], jobs: 2, keepGoing: false)
        #expect(drain(&s) == [.ready("a"), .ready("b")])
        s.markFailed("a")
        #expect(s.next() == nil && s.active == ["b"])
        s.markDone("b", outputs: out)
        #expect(s.next() == nil && s.active.isEmpty)
        #expect(s.pending == ["c", "d"])           // the runner reports these as not started
    }

    @Test func keepGoingRunsTheRestButBlocksDownstream() {
        // a fails; b and e are independent of it; c needs a and d needs c: both are reported not
        // started, naming the stage that blocked each.
        var s = StageSchedule(order: ["a", "b", "c", "d", "e"], upstream: ["c": ["a"], "d": ["b", "c"]],
                              jobs: 1, keepGoing: true)
        #expect(drain(&s) == [.ready("a")])
        s.markFailed("a")
        #expect(drain(&s) == [.ready("b")])
        s.markDone("b", outputs: out)
        #expect(drain(&s) == [.notStarted("c", upstream: "a"), .notStarted("d", upstream: "c"), .ready("e")])
        s.markDone("e", outputs: out)
        #expect(s.next() == nil && s.pending.isEmpty && s.active.isEmpty)
    }

    @Test func notStartedWaitsForAFreePlace() {
        // With every place taken, even "not started" notices wait (as the runner always did).
        var s = StageSchedule(order: ["a", "b", "c"], upstream: ["c": ["a"]], jobs: 1, keepGoing: true)
        #expect(drain(&s) == [.ready("a")])
        s.markFailed("a")
        #expect(drain(&s) == [.ready("b")])
        #expect(s.pending == ["c"])
        s.markDone("b", outputs: out)
        #expect(drain(&s) == [.notStarted("c", upstream: "a")])
    }

    @Test func interruptionStopsNewStarts() {
        var s = StageSchedule(order: ["a", "b", "c"], upstream: ["c": ["a"]], jobs: 2, keepGoing: true)
        #expect(drain(&s) == [.ready("a"), .ready("b")])
        s.markInterrupted("a")
        #expect(s.next() == nil && s.active == ["b"])
        s.markDone("b", outputs: out)
        #expect(s.next() == nil && s.pending == ["c"])
        // stop(): a cancelled run starts nothing new either, even with places free.
        var t = StageSchedule(order: ["a", "b"], upstream: [:], jobs: 2, keepGoing: true)
        #expect(t.next() == .ready("a"))
        t.stop()
        #expect(t.next() == nil && t.pending == ["b"])
    }

    @Test func upstreamOutsideTheSelectionNeverBecomesReady() {
        var s = StageSchedule(order: ["b"], upstream: ["b": ["a"]], jobs: 1, keepGoing: false)
        #expect(s.next() == nil && s.pending == ["b"] && s.active.isEmpty)
    }
}
