// Plain text from a MediaWiki XML dump: pages of namespace 0 that are not redirects, XML
// entities decoded, and a documented subset of wiki markup stripped: comments, <ref>s, other
// HTML tags (inner text kept), templates {{…}}, tables {|…|}, File/Image/Category links,
// [[a|b]] → b, [[a]] → a, [url label] → label, headings, bold/italic quotes, list markers.
// Why hand-written: Debian has no C library for wikitext (its parsers are Perl and Java packages),
// and the KL corpus needs plain prose, not a faithful rendering; the subset above is documented
// and tested on markup of each kind (MediaWikiTests); every corpora run reads the real dump with it.

public struct WikiArticle: Sendable, Equatable {
    public var title: String
    public var text: String
}

/// Articles of a MediaWiki XML export, in file order.
public func wikiArticles(xml: String) -> [WikiArticle] {
    var out: [WikiArticle] = []
    for page in xml.components(separatedBy: "<page>").dropFirst() {
        guard let title = between(page, "<title>", "</title>"), between(page, "<ns>", "</ns>") == "0",
              let textStart = page.range(of: "<text"), let close = page.range(of: ">", range: textStart.upperBound..<page.endIndex),
              let end = page.range(of: "</text>", range: close.upperBound..<page.endIndex) else { continue }
        let raw = decodeXMLEntities(String(page[close.upperBound..<end.lowerBound]))
        if raw.uppercased().hasPrefix("#REDIRECT") { continue }
        let text = stripWikiMarkup(raw)
        if !text.isEmpty { out.append(WikiArticle(title: decodeXMLEntities(title), text: text)) }
    }
    return out
}

func between(_ s: String, _ a: String, _ b: String) -> String? {
    guard let r = s.range(of: a), let e = s.range(of: b, range: r.upperBound..<s.endIndex) else { return nil }
    return String(s[r.upperBound..<e.lowerBound])
}

public func decodeXMLEntities(_ s: String) -> String {
    guard s.contains("&") else { return s }
    var out = ""
    var i = s.startIndex
    while i < s.endIndex {
        if s[i] == "&", let semi = s[i...].prefix(10).firstIndex(of: ";") {
            let name = s[s.index(after: i)..<semi]
            var rep: String?
            switch name {
            case "lt": rep = "<"
            case "gt": rep = ">"
            case "amp": rep = "&"
            case "quot": rep = "\""
            case "apos": rep = "'"
            case "nbsp": rep = " "
            default:
                if name.hasPrefix("#x"), let v = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) { rep = String(u) }
                else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let u = Unicode.Scalar(v) { rep = String(u) }
            }
            if let rep { out += rep; i = s.index(after: semi); continue }
        }
        out.append(s[i])
        i = s.index(after: i)
    }
    return out
}

/// Strips the markup subset described in the file header; paragraphs separated by one blank line.
public func stripWikiMarkup(_ wiki: String) -> String {
    var b = Array(wiki.utf8)
    b = removeSpans(b, open: Array("<!--".utf8), close: Array("-->".utf8), nests: false)
    b = removeRefs(b)
    b = removeSpans(b, open: Array("{{".utf8), close: Array("}}".utf8), nests: true)
    b = removeSpans(b, open: Array("{|".utf8), close: Array("|}".utf8), nests: true)
    b = rewriteLinks(b)
    b = removeTags(b)
    var lines: [String] = []
    for raw in String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
        var line = raw.replacingOccurrences(of: "'''", with: "").replacingOccurrences(of: "''", with: "")
        var t = Substring(line)
        if t.hasPrefix("=") && t.hasSuffix("=") {
            t = Substring(t.drop { $0 == "=" }.reversed().drop { $0 == "=" }.reversed())
        }
        t = t.drop { "*#:;".contains($0) }
        line = t.trimmingCharacters(in: [" ", "\t"])
        if line.hasPrefix("|") || line.hasPrefix("!") || line.hasPrefix("__") { continue }
        if line.isEmpty {
            if let last = lines.last, !last.isEmpty { lines.append("") }
        } else {
            lines.append(line)
        }
    }
    while lines.last == "" { lines.removeLast() }
    return lines.joined(separator: "\n")
}

private extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

private func starts(_ b: [UInt8], _ i: Int, _ p: [UInt8]) -> Bool {
    i + p.count <= b.count && b[i..<(i + p.count)].elementsEqual(p)
}

/// Removes open…close spans (nested when `nests`); an unclosed span runs to the end.
func removeSpans(_ b: [UInt8], open: [UInt8], close: [UInt8], nests: Bool) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(b.count)
    var depth = 0
    var i = 0
    while i < b.count {
        if starts(b, i, open) && (nests || depth == 0) { depth += 1; i += open.count; continue }
        if depth > 0 && starts(b, i, close) { depth -= 1; i += close.count; continue }
        if depth == 0 { out.append(b[i]) }
        i += 1
    }
    return out
}

/// Removes <ref …/> and <ref …>…</ref>.
func removeRefs(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    let open = Array("<ref".utf8), close = Array("</ref>".utf8)
    while i < b.count {
        if starts(b, i, open), i + 4 < b.count, b[i + 4] == UInt8(ascii: " ") || b[i + 4] == UInt8(ascii: ">") || b[i + 4] == UInt8(ascii: "/") {
            guard let gt = b[i...].firstIndex(of: UInt8(ascii: ">")) else { break }
            if b[gt - 1] == UInt8(ascii: "/") { i = gt + 1; continue }
            var j = gt + 1
            while j < b.count && !starts(b, j, close) { j += 1 }
            i = min(b.count, j + close.count)
            continue
        }
        out.append(b[i]); i += 1
    }
    return out
}

/// Drops every remaining <tag …> and </tag>, keeping the text between.
func removeTags(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < b.count {
        if b[i] == UInt8(ascii: "<"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "/") || (b[i + 1] >= 0x61 && b[i + 1] <= 0x7a) || (b[i + 1] >= 0x41 && b[i + 1] <= 0x5a),
           let gt = b[i...].prefix(300).firstIndex(of: UInt8(ascii: ">")) {
            i = gt + 1
            continue
        }
        out.append(b[i]); i += 1
    }
    return out
}

/// [[target|label]] → label, [[target]] → target, File/Image/Category links dropped (nested
/// links inside captions included), [url label] → label, [url] → nothing.
func rewriteLinks(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < b.count {
        if starts(b, i, Array("[[".utf8)) {
            var depth = 0, j = i
            while j < b.count {
                if starts(b, j, Array("[[".utf8)) { depth += 1; j += 2; continue }
                if starts(b, j, Array("]]".utf8)) { depth -= 1; j += 2; if depth == 0 { break }; continue }
                j += 1
            }
            let inner = Array(b[(i + 2)..<max(i + 2, j - 2)])
            let s = String(decoding: inner, as: UTF8.self)
            let lower = s.lowercased()
            if !(lower.hasPrefix("file:") || lower.hasPrefix("image:") || lower.hasPrefix("category:")) {
                let label = s.split(separator: "|", omittingEmptySubsequences: false).last.map(String.init) ?? s
                out += Array(label.utf8)
            }
            i = j
            continue
        }
        if b[i] == UInt8(ascii: "["), starts(b, i + 1, Array("http".utf8)) || starts(b, i + 1, Array("//".utf8)),
           let close = b[i...].firstIndex(of: UInt8(ascii: "]")) {
            if let sp = b[i..<close].firstIndex(of: UInt8(ascii: " ")) { out += b[(sp + 1)..<close] }
            i = close + 1
            continue
        }
        out.append(b[i]); i += 1
    }
    return out
}
