// Supervision without the runner: every launched stage's result comes back exactly once, errors
// included; after a cancel, a stage that starts its child anyway gets the signal and is refused.
import Foundation
import Testing
@testable import Pipeline

@Suite struct RunControlTests {
    @Test func everyLaunchedStageCompletesOnce() {
        let control = RunControl()
        control.launch("a") { nil }
        control.launch("b") { throw RunError("boom") }
        var got: [String: String] = [:]
        for _ in 0..<2 {
            let (name, result) = control.nextCompletion()
            switch result {
            case .success(nil): got[name, default: ""] += "interrupted"
            case .success: got[name, default: ""] += "entry"
            case .failure(let e): got[name, default: ""] += "\(e)"
            }
        }
        #expect(got == ["a": "interrupted", "b": "boom"])
    }

    @Test func aChildRegisteredAfterCancelIsSignalledAndRefused() throws {
        let lines = LineLog()
        let control = RunControl(log: lines.append, graceSeconds: 600)
        #expect(!control.isCancelled)
        control.cancel(SIGTERM)
        #expect(control.isCancelled)
        let logFD = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(logFD) }
        let child = try ChildProcess(path: "/bin/sleep", args: ["30"], environment: [:], directory: "/",
                                     prefix: "", logFD: logFD, emit: { _ in })
        #expect(!control.register("s", child))
        let exit = child.wait()
        control.unregister("s")
        #expect(exit.signal == SIGTERM && !exit.succeeded)
        #expect(lines.lines.isEmpty)                    // nothing was running when the signal came
    }
}
