// pipeline.json's `code` list of each tool decides when a stage is stale: a source folder missing
// from it means a change there does not rerun the stage (a stale artifact that looks fresh). The
// lists must cover every local target the tool's executable depends on, directly or not, as
// Package.swift declares them (a subfolder counts: generate-data takes only the tokenizer parts of LM).
import Foundation
import JSONText
import Testing

@Suite struct CodeListTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Local targets → their local dependencies, and the system-library targets, from Package.swift's text.
    static func packageTargets() throws -> (deps: [String: [String]], system: Set<String>) {
        let text = try String(contentsOfFile: root + "/Package.swift", encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\.(target|executableTarget|systemLibrary)\(\s*name:\s*"([A-Za-z0-9_-]+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?"#)
        var deps: [String: [String]] = [:], system = Set<String>()
        let ns = text as NSString
        for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let kind = ns.substring(with: m.range(at: 1)), name = ns.substring(with: m.range(at: 2))
            if kind == "systemLibrary" { system.insert(name) }
            let list = m.range(at: 3).location == NSNotFound ? "" : ns.substring(with: m.range(at: 3))
            let quoted = try NSRegularExpression(pattern: #""([A-Za-z0-9_-]+)""#)
            deps[name] = quoted.matches(in: list, range: NSRange(location: 0, length: (list as NSString).length))
                .map { (list as NSString).substring(with: $0.range(at: 1)) }
        }
        return (deps, system)
    }

    @Test func everyToolListsTheSourcesItIsBuiltFrom() throws {
        let (deps, system) = try Self.packageTargets()
        #expect(deps["distill"]?.contains("Injection") == true, "Package.swift was read")
        let spec = try parseJSON(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.root + "/pipeline.json"))))
        let tools = try #require(spec["tools"]?.objectValue)
        #expect(!tools.isEmpty)
        for (name, tool) in tools.sorted(by: { $0.key < $1.key }) {
            let exec = try #require(tool["exec"]?.stringValue)
            let target = String(exec.split(separator: "/").last!)
            #expect(deps[target] != nil, "tool \(name): \(exec) is no executable target of Package.swift")
            var closure = Set<String>(), todo = [target]
            while let t = todo.popLast() { if closure.insert(t).inserted { todo += deps[t] ?? [] } }
            let code = (tool["code"]?.arrayValue ?? []).compactMap(\.stringValue)
            for t in closure.sorted() where deps[t] != nil && !system.contains(t) {
                let folder = "Sources/" + t
                #expect(code.contains { $0 == folder || $0.hasPrefix(folder + "/") },
                        "pipeline.json tools.\(name).code lacks \(folder) (\(target) depends on \(t)): a change there would not rerun its stages")
            }
        }
    }
}
