// Canonical JSON Lines for examples: fixed key order, minimal string escaping, no floats,
// so the same data gives the same bytes. One object per example; OOD rows carry a `set` field.
// Compiled-model inputs (Alignment.swift) are added to a row when they were computed.

/// Appends `s` as a JSON string literal.
public func appendJSONString(_ s: String, to out: inout String) {
    out.append("\"")
    for u in s.unicodeScalars {
        switch u {
        case "\"": out.append("\\\"")
        case "\\": out.append("\\\\")
        case "\n": out.append("\\n")
        case "\r": out.append("\\r")
        case "\t": out.append("\\t")
        default:
            if u.value < 0x20 {
                let h = String(u.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - h.count) + h)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    out.append("\"")
}

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

/// One JSONL row: {"set":…,"prompt":…,"label":…,"lm_tokens":[…],"compiled_tokens":[…],"lm_to_compiled":[…]}.
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
        out.append(",\"compiled_tokens\":")
        appendStringArray(c.compiledTokens, to: &out)
        out.append(",\"lm_to_compiled\":")
        appendIntArray(c.lmToCompiled, to: &out)
    }
    out.append("}\n")
    return out
}

/// All rows of one file as UTF-8 bytes.
public func jsonLines(_ examples: [Example], set: String? = nil, compiled: [CompiledInput]? = nil) -> [UInt8] {
    var out = ""
    out.reserveCapacity(examples.count * 80)
    for (i, e) in examples.enumerated() { out += jsonLine(e, set: set, compiled: compiled?[i]) }
    return Array(out.utf8)
}
