// pipeline.json as typed values: tools (executable + the code files that define them) and stage
// instances (tool, argv template, parameters, named inputs, named outputs). `loadSpec` parses and
// validates everything before anything runs and reports every problem at once, each with the
// line and column of the offending value.
import Artifacts
import Foundation
import JSONText

public struct ToolSpec: Sendable, Equatable {
    public let name: String
    /// A path relative to the repository root (contains "/") or a command looked up on PATH.
    public let exec: String
    /// Files and directories (relative to the root) whose contents define the tool's behaviour.
    public let code: [String]
    /// The tool's results depend on the matrix-product precision its `--precision` flag (default
    /// auto) resolves to on this CPU (`"precision_in_key": true`): stage keys include it, so a
    /// store filled on a CPU with bf16 units is not taken for fp32 results elsewhere.
    public let precisionInKey: Bool

    public init(name: String, exec: String, code: [String], precisionInKey: Bool = false) {
        self.name = name; self.exec = exec; self.code = code; self.precisionInKey = precisionInKey
    }
}

public enum InputSource: Sendable, Equatable, CustomStringConvertible {
    case file(String)                       // a file in the repository, relative to the root
    case output(stage: String, output: String)

    public var description: String {
        switch self {
        case .file(let p): p
        case .output(let s, let o): "\(s):\(o)"
        }
    }
}

public struct StageSpec: Sendable, Equatable {
    public let name: String
    public let tool: String
    public let args: [String]
    /// Parameters as written (values may be `{"$profile": {…}}`); from `params` or `params_file`.
    public let params: JSONValue
    public let paramsFile: String?
    public let inputs: [String: InputSource]
    /// Output name → file name inside the stage's output directory.
    public let outputs: [String: String]

    public var upstream: [String] {
        Array(Set(inputs.values.compactMap { if case .output(let s, _) = $0 { return s } else { return nil } })).sorted()
    }
}

public struct PipelineSpec: Sendable {
    public let tools: [String: ToolSpec]
    public let stages: [String: StageSpec]
    /// Stage names in a topological order (upstream first; ties broken by name).
    public let order: [String]

    /// `targets` (instance names or prefixes) and everything upstream of them, in order.
    public func closure(of targets: [String]) throws(SpecError) -> [String] {
        if targets.isEmpty { return order }
        var wanted = Set<String>()
        var problems: [String] = []
        for t in targets {
            let matches = matching(t)
            if matches.isEmpty { problems.append("no stage instance is named \(t) or starts with \(t)/ (see `pipeline dag`)") }
            wanted.formUnion(matches)
        }
        if !problems.isEmpty { throw SpecError(problems: problems) }
        var stack = Array(wanted)
        while let s = stack.popLast() {
            for u in stages[s]!.upstream where !wanted.contains(u) { wanted.insert(u); stack.append(u) }
        }
        return order.filter { wanted.contains($0) }
    }

    /// Stages named `target` or, when none is, those whose name starts with `target` + "/" (or `target` ending in "/").
    public func matching(_ target: String) -> [String] {
        if stages[target] != nil { return [target] }
        let prefix = target.hasSuffix("/") ? target : target + "/"
        return order.filter { $0.hasPrefix(prefix) }
    }
}

public struct SpecError: Error, CustomStringConvertible, Equatable {
    public let problems: [String]
    public var description: String {
        problems.count == 1 ? problems[0]
            : "\(problems.count) problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Reads and validates `<root>/pipeline.json`.
public func loadSpec(root: String, file: String = "pipeline.json") throws(SpecError) -> PipelineSpec {
    let path = root + "/" + file
    guard let data = FileManager.default.contents(atPath: path) else {
        throw SpecError(problems: ["cannot read \(path) (run pipeline from the repository root or pass --root)"])
    }
    guard let text = String(data: data, encoding: .utf8) else { throw SpecError(problems: ["\(file) is not UTF-8 text"]) }
    return try parseSpec(text, root: root, file: file)
}

public func parseSpec(_ text: String, root: String, file: String = "pipeline.json") throws(SpecError) -> PipelineSpec {
    let doc: JSONDocument
    do { doc = try parseJSONDocument(text) } catch {
        throw SpecError(problems: ["\(file):\(error.position): syntax error: \(error.message)"])
    }
    var v = SpecValidator(doc: doc, root: root, file: file)
    return try v.validate()
}
