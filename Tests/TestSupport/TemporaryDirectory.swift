// What several test targets need alike (a plain library target that only test targets link):
// one way to make a scratch directory, instead of a copy per target.
import Foundation

/// A new, empty directory `<system tmp>/graft-<label>-<UUID>`, unique to this call: the suites
/// run in parallel, so no two tests ever share one.
public func makeTemporaryDirectory(_ label: String = "test") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("graft-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
