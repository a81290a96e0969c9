// Canonical JSON Lines for examples: fixed key order, minimal string escaping, no floats,
// so the same data gives the same bytes. One object per example; OOD rows carry a `set` field.
// Compiled-model inputs (Alignment.swift) are added to a row when they were computed.
// Strings are escaped by JSONText's one rule (appendJSONString).
import JSONText

func appendIntArray(_ a: [Int], to out: inout String) {
    out.append("[")
    for (i, v) in a.enumerated() {
        if i > 0 { out.append(",") }
        out.append(String(v))
    }
    out.append("]")
}

func appendStringArray(_ a: [String], to out: inout String) {
    out.append("[")
    for (i, v) in a.enumerated() {
        if i > 0 { out.append(",") }
        appendJSONString(v, to: &out)
    }
    out.append("]")
}

/// One JSONL row: {"set":…,"prompt":…,"label":…,"lm_tokens":[…],"prompt_tokens":n,"compiled_tokens":[…],"lm_to_compiled":[…]}.
public func jsonLine(_ e: Example, set: String? = nil, compiled: CompiledInput? = nil) -> String {
    var out = "{"
    if let set {
        out.append("\"set\":")
        appendJSONString(set, to: &out)
        out.append(",")
    }
    out.append("\"prompt\":")
    appendJSONString(e.prompt, to: &out)
    out.append(",\"label\":")
    appendJSONString(e.label, to: &out)
    if let c = compiled {
        out.append(",\"lm_tokens\":")
        appendIntArray(c.lmTokens, to: &out)
        out.append(",\"prompt_tokens\":" + String(c.promptTokens))
        out.append(",\"compiled_tokens\":")
        appendStringArray(c.compiledTokens, to: &out)
        out.append(",\"lm_to_compiled\":")
        appendIntArray(c.lmToCompiled, to: &out)
    }
    out.append("}\n")
    return out
}

// MARK: - Byte-level writer (the fast path used for the large files; same output as jsonLine)

@inline(__always)
func appendIntBytes(_ v: Int, to out: inout [UInt8]) {
    if v < 0 { out.append(45); appendIntBytes(-v, to: &out); return }
    if v >= 10 { appendIntBytes(v / 10, to: &out) }
    out.append(UInt8(48 + v % 10))
}

func appendJSONLine(_ e: Example, set: String?, compiled c: CompiledInput?, to out: inout [UInt8]) {
    // The field names are TaskRow.Field's, the reader's (readTaskFile): one list for both sides.
    typealias F = TaskRow.Field
    func key(_ f: F, first: Bool = false) { out += Array(((first ? "\"" : ",\"") + f.rawValue + "\":").utf8) }
    out.append(123)
    if let set { key(.set, first: true); appendJSONString(set, to: &out); out.append(44) }
    key(.prompt, first: true); appendJSONString(e.prompt, to: &out)
    key(.label); appendJSONString(e.label, to: &out)
    if let c {
        key(.lmTokens); out.append(91)
        for (i, v) in c.lmTokens.enumerated() { if i > 0 { out.append(44) }; appendIntBytes(v, to: &out) }
        out.append(93); key(.promptTokens)
        appendIntBytes(c.promptTokens, to: &out)
        key(.compiledTokens); out.append(91)
        for (i, v) in c.compiledTokens.enumerated() { if i > 0 { out.append(44) }; appendJSONString(v, to: &out) }
        out.append(93); key(.lmToCompiled); out.append(91)
        for (i, v) in c.lmToCompiled.enumerated() { if i > 0 { out.append(44) }; appendIntBytes(v, to: &out) }
        out.append(93)
    }
    out.append(125); out.append(10)
}
