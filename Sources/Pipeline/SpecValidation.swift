// The checks behind `loadSpec`: shape of every field, known tools, inputs that name a file or
// another instance's declared output, placeholders that name a declared input/output/param,
// no duplicate outputs, no cycles. Problems are collected, never thrown one at a time.
import Artifacts
import Foundation
import JSONText

struct SpecValidator {
    let doc: JSONDocument
    let root: String
    let file: String
    var problems: [String] = []

    init(doc: JSONDocument, root: String, file: String) {
        self.doc = doc; self.root = root; self.file = file
    }

    mutating func problem(_ path: [String], _ message: String) {
        let at = doc.position(path).map { ":\($0)" } ?? ""
        let key = path.isEmpty ? "" : " \(path.joined(separator: "."))"
        problems.append("\(file)\(at):\(key): \(message)")
    }

    mutating func validate() throws(SpecError) -> PipelineSpec {
        let top = doc.value
        guard let o = top.objectValue else { throw SpecError(problems: ["\(file): the top level must be an object"]) }
        if o["format"]?.stringValue != "graft-pipeline" { problem(["format"], "must be \"graft-pipeline\"") }
        if o["version"]?.intValue != 1 { problem(["version"], "must be 1 (the version this graft reads)") }
        for k in o.keys where !["format", "version", "tools", "stages"].contains(k) { problem([k], "unknown field") }

        var tools: [String: ToolSpec] = [:]
        for (name, t) in (o["tools"]?.objectValue ?? [:]) {
            let p = ["tools", name]
            guard let exec = t["exec"]?.stringValue, !exec.isEmpty else { problem(p + ["exec"], "needs \"exec\": the executable"); continue }
            if exec.hasPrefix("/") || exec.split(separator: "/").contains("..") {
                problem(p + ["exec"], "\"\(exec)\" must be relative to the repository root (or a bare command on PATH)")
            }
            var code: [String] = []
            if let list = t["code"] {
                if let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                    code = items.compactMap(\.stringValue)
                    for (i, c) in code.enumerated() {
                        if let why = unsafeRelativePath(c) { problem(p + ["code", String(i)], why) }
                        else if !FileManager.default.fileExists(atPath: root + "/" + c) {
                            problem(p + ["code", String(i)], "\"\(c)\" does not exist")
                        }
                    }
                } else { problem(p + ["code"], "must be an array of paths") }
            }
            var precisionInKey = false
            if let v = t["precision_in_key"] {
                if case .bool(let b) = v { precisionInKey = b } else { problem(p + ["precision_in_key"], "must be true or false") }
            }
            for k in t.objectValue?.keys ?? [:].keys where !["exec", "code", "precision_in_key"].contains(k) { problem(p + [k], "unknown field") }
            tools[name] = ToolSpec(name: name, exec: exec, code: code, precisionInKey: precisionInKey)
        }
        if o["tools"] != nil && o["tools"]?.objectValue == nil { problem(["tools"], "must be an object") }

        let rawStages = o["stages"]?.objectValue ?? [:]
        if o["stages"]?.objectValue == nil { problem(["stages"], "must be an object of stage instances") }
        var stages: [String: StageSpec] = [:]
        for (name, s) in rawStages {
            if let st = stage(name, s, tools: tools, allStages: rawStages) { stages[name] = st }
        }
        let order = topologicalOrder(stages)
        if !problems.isEmpty { throw SpecError(problems: problems.sorted(by: byPosition)) }
        return PipelineSpec(tools: tools, stages: stages, order: order)
    }

    mutating func stage(_ name: String, _ s: JSONValue, tools: [String: ToolSpec], allStages: [String: JSONValue]) -> StageSpec? {
        let p = ["stages", name]
        var ok = true
        if name.isEmpty || name.contains(":") || name.hasPrefix("/") || name.hasSuffix("/")
            || !name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_./".unicodeScalars.contains($0) }) {
            problem(p, "instance name \"\(name)\" may use letters, digits, - _ . / and must not start or end with /"); ok = false
        }
        guard s.objectValue != nil else { problem(p, "must be an object"); return nil }
        for k in s.objectValue!.keys where !["tool", "args", "params", "params_file", "inputs", "outputs"].contains(k) {
            problem(p + [k], "unknown field"); ok = false
        }
        let tool = s["tool"]?.stringValue ?? ""
        if s["tool"]?.stringValue == nil { problem(p + ["tool"], "needs \"tool\": one of the tools declared under \"tools\""); ok = false }
        else if tools[tool] == nil {
            problem(p + ["tool"], "unknown tool \"\(tool)\" (\(tools.isEmpty ? "no tools are declared under \"tools\"" : "declared: " + tools.keys.sorted().joined(separator: ", ")))"); ok = false
        }
        var args: [String] = []
        if let a = s["args"] {
            if let items = a.arrayValue, items.allSatisfy({ $0.stringValue != nil }) { args = items.compactMap(\.stringValue) }
            else { problem(p + ["args"], "must be an array of strings"); ok = false }
        }

        // Parameters: inline or from a file under the repository.
        var params: JSONValue = .object([:])
        var paramsFile: String? = nil
        if s["params"] != nil && s["params_file"] != nil { problem(p + ["params_file"], "give either params or params_file, not both"); ok = false }
        if let inline = s["params"] {
            if inline.objectValue == nil { problem(p + ["params"], "must be an object"); ok = false } else { params = inline }
        } else if let pf = s["params_file"] {
            if let path = pf.stringValue, unsafeRelativePath(path) == nil {
                paramsFile = path
                if let data = FileManager.default.contents(atPath: root + "/" + path), let text = String(data: data, encoding: .utf8) {
                    do {
                        let v = try parseJSON(text)
                        if v.objectValue == nil { problem(p + ["params_file"], "\(path) must hold a JSON object"); ok = false } else { params = v }
                    } catch { problem(p + ["params_file"], "\(path):\(error.position): syntax error: \(error.message)"); ok = false }
                } else { problem(p + ["params_file"], "cannot read \(path)"); ok = false }
            } else { problem(p + ["params_file"], "must be a relative path inside the repository"); ok = false }
        }
        for (k, v) in params.objectValue ?? [:] {
            if let why = profileShapeProblem(v) { problem(p + ["params", k], why); ok = false }
        }

        var inputs: [String: InputSource] = [:]
        if let ins = s["inputs"] {
            if let items = ins.objectValue {
                for (inName, ref) in items {
                    let ip = p + ["inputs", inName]
                    if !isPlainName(inName) { problem(ip, "input name may use letters, digits, - and _"); ok = false }
                    guard let text = ref.stringValue else { problem(ip, "must be a path or \"instance:output\""); ok = false; continue }
                    if let colon = text.lastIndex(of: ":"), allStages[String(text[..<colon])] != nil {
                        let up = String(text[..<colon]), out = String(text[text.index(after: colon)...])
                        let declared = outputNames(allStages[up]!)
                        if !declared.contains(out) {
                            problem(ip, "unknown input \"\(text)\": \(up) declares no output \"\(out)\" (it declares: \(declared.sorted().joined(separator: ", ")))"); ok = false
                        }
                        inputs[inName] = .output(stage: up, output: out)
                    } else if let why = unsafeRelativePath(text) {
                        problem(ip, "unknown input \"\(text)\": \(why)"); ok = false
                    } else {
                        var isDir: ObjCBool = false
                        if !FileManager.default.fileExists(atPath: root + "/" + text, isDirectory: &isDir) {
                            let hint = text.contains(":") ? " and no stage instance is named \(text.split(separator: ":").first!)" : ""
                            problem(ip, "unknown input \"\(text)\": no such file\(hint)"); ok = false
                        } else if isDir.boolValue {
                            problem(ip, "\"\(text)\" is a directory; inputs are files"); ok = false
                        }
                        inputs[inName] = .file(text)
                    }
                }
            } else { problem(p + ["inputs"], "must be an object of name → path or \"instance:output\""); ok = false }
        }

        var outputs: [String: String] = [:]
        switch s["outputs"] {
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                guard let n = item.stringValue, isPlainName(n) else { problem(p + ["outputs", String(i)], "output names use letters, digits, - and _"); ok = false; continue }
                if outputs[n] != nil { problem(p + ["outputs", String(i)], "duplicate output \"\(n)\""); ok = false }
                outputs[n] = n
            }
        case .object(let items)?:
            var files = Set<String>()
            for (n, f) in items {
                guard isPlainName(n), let fileName = f.stringValue, !fileName.isEmpty, !fileName.contains("/"), fileName != ".", fileName != ".." else {
                    problem(p + ["outputs", n], "maps an output name (letters, digits, - _) to a file name (no /)"); ok = false; continue
                }
                if !files.insert(fileName).inserted { problem(p + ["outputs", n], "duplicate output file \"\(fileName)\""); ok = false }
                outputs[n] = fileName
            }
        case nil: break
        default: problem(p + ["outputs"], "must be an array of names or an object name → file name"); ok = false
        }
        if outputs.isEmpty && s["outputs"] != nil { problem(p + ["outputs"], "declares no outputs"); ok = false }
        if s["outputs"] == nil { problem(p, "declares no \"outputs\" (a stage must produce at least one file)"); ok = false }

        for (i, arg) in args.enumerated() {
            for why in placeholderProblems(arg, inputs: inputs, outputs: outputs, params: params) {
                problem(p + ["args", String(i)], why); ok = false
            }
        }
        _ = ok   // a stage with problems still enters the graph, so cycles through it are reported too
        return StageSpec(name: name, tool: tool, args: args, params: params, paramsFile: paramsFile, inputs: inputs, outputs: outputs)
    }

    func outputNames(_ s: JSONValue) -> [String] {
        if let a = s["outputs"]?.arrayValue { return a.compactMap(\.stringValue) }
        return Array(s["outputs"]?.objectValue?.keys ?? [:].keys)
    }

    /// A topological order; cycles are reported (each once) and their stages left out.
    mutating func topologicalOrder(_ stages: [String: StageSpec]) -> [String] {
        var order: [String] = []
        var state: [String: Int] = [:]          // 1: on the stack, 2: done
        var reported = Set<String>()
        func visit(_ s: String, _ stack: [String], _ v: inout SpecValidator) {
            if state[s] == 2 { return }
            if state[s] == 1 {
                let cycle = Array(stack[stack.firstIndex(of: s)!...]) + [s]
                if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted {
                    v.problem(["stages", s], "cycle: \(cycle.joined(separator: " → "))")
                }
                return
            }
            state[s] = 1
            for u in stages[s]!.upstream where stages[u] != nil { visit(u, stack + [s], &v) }
            state[s] = 2
            order.append(s)
        }
        for s in stages.keys.sorted() { visit(s, [], &self) }
        return order
    }

    func byPosition(_ a: String, _ b: String) -> Bool {
        func key(_ s: String) -> (Int, Int, String) {
            let parts = s.split(separator: ":", maxSplits: 3)
            if parts.count >= 3, let l = Int(parts[1]), let c = Int(parts[2]) { return (l, c, s) }
            return (Int.max, 0, s)
        }
        return key(a) < key(b)
    }
}

func isPlainName(_ s: String) -> Bool {
    !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
}

/// Why `path` is not a safe path relative to the repository root, or nil when it is.
func unsafeRelativePath(_ path: String) -> String? {
    if path.isEmpty { return "empty path" }
    if path.hasPrefix("/") { return "\"\(path)\" is absolute; paths are relative to the repository root" }
    if path.split(separator: "/").contains("..") { return "\"\(path)\" leaves the repository (..)" }
    return nil
}
