// Parameters and argv templates. A parameter value may depend on the profile
// (`{"$profile": {"smoke": 10, "default": 1000}}`); the resolved parameters enter the stage key.
// Arguments substitute {in.X}, {out.X}, {param.X} and {params}; "{{" and "}}" are literal braces.
import Artifacts
import Foundation
import JSONText

/// Why `v` is not a well-formed parameter value, or nil.
func profileShapeProblem(_ v: JSONValue) -> String? {
    switch v {
    case .object(let o):
        if let choices = o["$profile"] {
            if o.count != 1 { return "an object with \"$profile\" must have no other keys" }
            guard let c = choices.objectValue, !c.isEmpty else { return "\"$profile\" must map profile names to values" }
            for x in c.values { if let p = profileShapeProblem(x) { return p } }
            return nil
        }
        for x in o.values { if let p = profileShapeProblem(x) { return p } }
        return nil
    case .array(let a):
        for x in a { if let p = profileShapeProblem(x) { return p } }
        return nil
    default: return nil
    }
}

/// Every profile name that a `{"$profile": …}` of `params` offers.
func profileNames(_ v: JSONValue) -> Set<String> {
    switch v {
    case .object(let o):
        var names = Set(o["$profile"]?.objectValue?.keys.map { $0 } ?? [])
        for x in o.values { names.formUnion(profileNames(x)) }
        return names
    case .array(let a): return a.reduce(into: Set<String>()) { $0.formUnion(profileNames($1)) }
    default: return []
    }
}

extension PipelineSpec {
    /// The profiles pipeline.json defines: every key of every `"$profile"` map.
    public var profiles: Set<String> { stages.values.reduce(into: Set<String>()) { $0.formUnion(profileNames($1.params)) } }

    /// Refuses a profile name that pipeline.json does not define, naming the ones it does.
    public func checkProfile(_ profile: String) throws(SpecError) {
        let known = profiles
        guard known.isEmpty || known.contains(profile) else {
            throw SpecError(problems: ["unknown profile \"\(profile)\": pipeline.json defines \(known.sorted().joined(separator: ", "))"])
        }
    }
}

/// `params` with every `{"$profile": …}` replaced by its value for `profile`.
public func resolveParams(_ params: JSONValue, profile: String, stage: String) throws(SpecError) -> JSONValue {
    var missing: [String] = []
    func go(_ v: JSONValue, _ path: [String]) -> JSONValue {
        switch v {
        case .object(let o):
            if let choices = o["$profile"]?.objectValue {
                if let chosen = choices[profile] { return go(chosen, path) }
                missing.append("stages.\(stage).params.\(path.joined(separator: ".")): no value for profile \"\(profile)\" (has: \(choices.keys.sorted().joined(separator: ", ")))")
                return .null
            }
            return .object(Dictionary(uniqueKeysWithValues: o.map { ($0.key, go($0.value, path + [$0.key])) }))
        case .array(let a): return .array(a.enumerated().map { go($0.element, path + [String($0.offset)]) })
        default: return v
        }
    }
    let resolved = go(params, [])
    if !missing.isEmpty { throw SpecError(problems: missing) }
    return resolved
}

/// How a parameter value appears in an argument: strings as they are, everything else canonical JSON.
func argumentText(_ v: JSONValue) -> String {
    if case .string(let s) = v { return s }
    return (try? CanonicalJSON.string(v)) ?? "null"
}

enum ArgPiece: Equatable {
    case literal(String)
    case input(String), output(String), param(String), params
}

/// Splits an argument template into pieces; throws a message for an unknown or malformed placeholder.
func parseTemplate(_ arg: String) -> Result<[ArgPiece], SpecError> {
    var pieces: [ArgPiece] = []
    var literal = ""
    var i = arg.startIndex
    while i < arg.endIndex {
        let c = arg[i]
        let next = arg.index(after: i)
        if c == "{" && next < arg.endIndex && arg[next] == "{" { literal.append("{"); i = arg.index(after: next); continue }
        if c == "}" && next < arg.endIndex && arg[next] == "}" { literal.append("}"); i = arg.index(after: next); continue }
        if c == "}" { return .failure(SpecError(problems: ["unmatched '}' in \"\(arg)\" (write }} for a literal brace)"])) }
        if c == "{" {
            guard let close = arg[next...].firstIndex(of: "}") else {
                return .failure(SpecError(problems: ["unclosed '{' in \"\(arg)\" (write {{ for a literal brace)"]))
            }
            let token = String(arg[next..<close])
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
            if token == "params" { pieces.append(.params) }
            else if token.hasPrefix("in."), token.count > 3 { pieces.append(.input(String(token.dropFirst(3)))) }
            else if token.hasPrefix("out."), token.count > 4 { pieces.append(.output(String(token.dropFirst(4)))) }
            else if token.hasPrefix("param."), token.count > 6 { pieces.append(.param(String(token.dropFirst(6)))) }
            else {
                return .failure(SpecError(problems: ["bad placeholder {\(token)} in \"\(arg)\" (use {in.NAME}, {out.NAME}, {param.NAME} or {params})"]))
            }
            i = arg.index(after: close)
            continue
        }
        literal.append(c)
        i = next
    }
    if !literal.isEmpty { pieces.append(.literal(literal)) }
    return .success(pieces)
}

func placeholderProblems(_ arg: String, inputs: [String: InputSource], outputs: [String: String], params: JSONValue) -> [String] {
    switch parseTemplate(arg) {
    case .failure(let e): return e.problems
    case .success(let pieces):
        var out: [String] = []
        for p in pieces {
            switch p {
            case .input(let n) where inputs[n] == nil:
                out.append("bad placeholder {in.\(n)}: no input \"\(n)\" (inputs: \(inputs.keys.sorted().joined(separator: ", ")))")
            case .output(let n) where outputs[n] == nil:
                out.append("bad placeholder {out.\(n)}: no output \"\(n)\" (outputs: \(outputs.keys.sorted().joined(separator: ", ")))")
            case .param(let n) where params[n] == nil:
                out.append("bad placeholder {param.\(n)}: no parameter \"\(n)\" (params: \((params.objectValue ?? [:]).keys.sorted().joined(separator: ", ")))")
            default: break
            }
        }
        return out
    }
}

/// The argv of a stage: each template with its placeholders replaced.
func substitute(_ args: [String], inputs: [String: String], outputs: [String: String], params: JSONValue, paramsPath: String) -> [String] {
    args.map { arg in
        guard case .success(let pieces) = parseTemplate(arg) else { return arg }   // validated at load
        return pieces.map { p -> String in
            switch p {
            case .literal(let s): s
            case .input(let n): inputs[n] ?? ""
            case .output(let n): outputs[n] ?? ""
            case .param(let n): params[n].map(argumentText) ?? ""
            case .params: paramsPath
            }
        }.joined()
    }
}
