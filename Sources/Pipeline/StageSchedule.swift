// Which stage `pipeline run` takes up next, as a value with no I/O: the selected stages in
// dependency order, each becoming ready once every upstream stage is done, at most `jobs` taken
// up at once. A failure stops new starts unless keepGoing; a failed, interrupted or not-started
// stage blocks everything downstream of it, and those stages are reported "not started".
import Artifacts

struct StageSchedule {
    enum Step: Equatable {
        /// Every upstream stage is done: decide this one, then mark it done, failed or interrupted.
        /// Until then it holds one of the `jobs` places.
        case ready(String)
        /// `upstream` failed, was interrupted or was not started: this stage never starts.
        case notStarted(String, upstream: String)
    }

    /// Stages neither taken up nor reported not started, in dependency order.
    private(set) var pending: [String]
    /// Stages handed out as `.ready` and not yet marked.
    private(set) var active: Set<String> = []
    private var outputs: [String: [String: Digest]] = [:]
    private var blocked: Set<String> = []
    private var failed = false
    private var stopped = false
    let upstream: [String: [String]]
    let jobs: Int
    let keepGoing: Bool

    /// `order`: the selected stages, upstream first; `upstream`: each stage's upstream stages (a
    /// stage whose upstream is not in `order` never becomes ready and stays pending).
    init(order: [String], upstream: [String: [String]], jobs: Int, keepGoing: Bool) {
        self.pending = order
        self.upstream = upstream
        self.jobs = max(jobs, 1)
        self.keepGoing = keepGoing
    }

    /// The output hashes of a stage marked done.
    func outputs(of stage: String) -> [String: Digest]? { outputs[stage] }

    /// The first pending stage, in order, that is ready or can never start; nil when none is, when
    /// `jobs` stages are active, after a failure (unless keepGoing), or after an interruption.
    mutating func next() -> Step? {
        guard !stopped, !failed || keepGoing, active.count < jobs else { return nil }
        for (i, name) in pending.enumerated() {
            let ups = upstream[name] ?? []
            if let bad = ups.first(where: { blocked.contains($0) }) {
                pending.remove(at: i)
                blocked.insert(name)
                return .notStarted(name, upstream: bad)
            }
            if ups.allSatisfy({ outputs[$0] != nil }) {
                pending.remove(at: i)
                active.insert(name)
                return .ready(name)
            }
        }
        return nil
    }

    /// `name` is done (fresh, restored or ran) with these output hashes.
    mutating func markDone(_ name: String, outputs: [String: Digest]) {
        active.remove(name)
        self.outputs[name] = outputs
    }

    /// `name` failed: its downstream never starts, and nothing new starts unless keepGoing.
    mutating func markFailed(_ name: String) {
        active.remove(name)
        blocked.insert(name)
        failed = true
    }

    /// `name` was interrupted: its downstream never starts, and nothing new starts.
    mutating func markInterrupted(_ name: String) {
        active.remove(name)
        blocked.insert(name)
        stopped = true
    }

    /// The run is being cancelled: nothing new starts; active stages are still marked as they end.
    mutating func stop() { stopped = true }
}
