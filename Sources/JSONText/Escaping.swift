// The one JSON string escaping rule in graft, used by every writer (canonical JSON, the
// compiled-model metadata, safetensors headers, the data files): escape only what JSON requires,
// that is the quote, the backslash and the control characters below U+0020 (\b \f \n \r \t in
// their short forms, the others as \u00XX in lowercase hex), and keep everything else,
// non-ASCII included, as its UTF-8 bytes. The byte form is the rule; the String forms call it.

/// Appends `s` as a JSON string literal, quotes included, to UTF-8 bytes. Inlinable because the
/// data writer calls it for every field of every row of its largest files.
@inlinable
public func appendJSONString(_ s: String, to out: inout [UInt8]) {
    out.append(0x22)
    for b in s.utf8 {
        if b >= 0x20 && b != 0x22 && b != 0x5C { out.append(b); continue }
        out.append(0x5C)
        switch b {
        case 0x22, 0x5C: out.append(b)
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            let low = b & 15
            out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, 0x30 + (b >> 4), low < 10 ? 0x30 + low : 0x57 + low])
        }
    }
    out.append(0x22)
}

/// Appends `s` as a JSON string literal, quotes included.
public func appendJSONString(_ s: String, to out: inout String) {
    out += jsonString(s)
}

/// `s` as a JSON string literal, quotes included.
public func jsonString(_ s: String) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(s.utf8.count + 2)
    appendJSONString(s, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}
