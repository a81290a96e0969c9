// The store lock: a second holder is refused with the first holder's pid (or waits); closing
// the first releases it.
import Foundation
import Testing
@testable import Pipeline

@Suite struct StoreLockTests {
    @Test func exclusiveAndReleasedOnClose() throws {
        let repo = try TestRepo("lock")
        defer { repo.remove() }
        let store = try Store(root: repo.root + "/artifacts")
        var first: StoreLock? = try StoreLock(store: store, wait: false)
        #expect { try StoreLock(store: store, wait: false) } throws: { "\($0)".contains("pid \(getpid())") }
        let acquired = LineLog()
        let waiter = Thread {
            let messages = LineLog()
            if let l = try? StoreLock(store: store, wait: true, log: messages.append) {
                acquired.append("acquired after: \(messages.lines.joined())")
                withExtendedLifetime(l) {}
            }
        }
        waiter.start()
        usleep(500_000)                                      // give the waiter time to block
        #expect(acquired.lines.isEmpty)
        withExtendedLifetime(first) {}
        first = nil
        #expect(eventually { acquired.lines.count == 1 })
        #expect(acquired.lines.first?.contains("waiting for it to finish") == true)
    }
}
