// Tables of results: typed cells (a formatted number, text, or an explicit "not run" with its
// reason), rendered to GitHub Markdown and to escaped HTML, and the "graft vs paper" comparison
// table that sets each reproduced number beside the paper's with their difference.

/// How a number is written: fixed decimals, a percentage of a fraction, or an integer.
public enum NumberFormat: Sendable, Equatable {
    case fixed(Int)        // 0.1234 with .fixed(2) → "0.12"
    case percent(Int)      // 0.1234 with .percent(1) → "12.3%"
    case integer           // 1234.0 → "1234"
}

/// One table cell.
public enum Cell: Sendable, Equatable {
    case number(Double, NumberFormat)
    /// An accuracy with its example count and 95 % interval, and an optional note (e.g. how it
    /// compares with a reference row): "87.5% [82.2–91.5] n=200 · n.s.".
    case proportion(Proportion, note: String?)
    case text(String)
    case notRun(reason: String)

    /// The cell as plain text (before any Markdown or HTML escaping).
    public var plain: String {
        switch self {
        case .number(let v, let f): return formatNumber(v, f)
        case .proportion(let p, let note):
            let (low, high) = p.interval()
            return "\(formatNumber(p.value, .percent(1))) [\(fixedDecimal(low * 100, digits: 1))–\(fixedDecimal(high * 100, digits: 1))] n=\(p.total)"
                + (note.map { " · " + $0 } ?? "")
        case .text(let s): return s
        case .notRun(let reason): return "not run: \(reason)"
        }
    }
}

extension Cell {
    /// A number or a proportion (right-aligned in Markdown, class "num" in HTML).
    public var isNumeric: Bool {
        switch self {
        case .number, .proportion: true
        case .text, .notRun: false
        }
    }
}

/// Formats `value` deterministically (no locale): NaN → "nan", ±infinity → "inf"/"-inf".
public func formatNumber(_ value: Double, _ format: NumberFormat) -> String {
    switch format {
    case .fixed(let d): return fixedDecimal(value, digits: d)
    case .percent(let d): return value.isFinite ? fixedDecimal(value * 100, digits: d) + "%" : fixedDecimal(value, digits: d)
    case .integer: return fixedDecimal(value, digits: 0)
    }
}

/// `value` rounded half away from zero to `digits` decimals, written without exponent or locale.
public func fixedDecimal(_ value: Double, digits: Int) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let digits = max(0, min(digits, 12))
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e15 else { return String(value) }      // beyond exact integers: Swift's shortest form
    let units = UInt64(scaled)
    let p = UInt64(scale)
    let whole = units / p, frac = units % p
    let sign = (value < 0 && units != 0) ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    var fracText = String(frac)
    fracText = String(repeating: "0", count: digits - fracText.count) + fracText
    return sign + String(whole) + "." + fracText
}

/// A titled table; every row must have as many cells as there are columns.
public struct Table: Sendable, Equatable {
    public var title: String
    public var columns: [String]
    public var rows: [[Cell]]

    public init(title: String, columns: [String], rows: [[Cell]]) {
        self.title = title; self.columns = columns; self.rows = rows
    }

    /// Every row whose width differs from the header, as readable messages (empty when valid).
    public func problems() -> [String] {
        rows.enumerated().compactMap { i, row in
            row.count == columns.count ? nil
                : "table \"\(title)\": row \(i + 1) has \(row.count) cells but there are \(columns.count) columns \(columns); pad the row or fix the header"
        }
    }
}

public struct TableError: Error, CustomStringConvertible, Equatable {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

// MARK: - Markdown

/// Escapes text for a GitHub Markdown table cell: backslash, pipe, and markup characters; newlines become <br>.
public func escapeMarkdownCell(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "\\", "|", "*", "_", "`", "[", "]", "<", ">": out.append("\\"); out.append(ch)
        case "\n": out += "<br>"
        case "\r": break
        default: out.append(ch)
        }
    }
    return out
}

extension Table {
    /// GitHub Markdown: a bold title line, a header row, an alignment row (numbers right-aligned).
    public func markdown() throws -> String {
        let issues = problems()
        guard issues.isEmpty else { throw TableError(problems: issues) }
        var lines = ["**\(escapeMarkdownCell(title))**", ""]
        lines.append("| " + columns.map(escapeMarkdownCell).joined(separator: " | ") + " |")
        let align = columns.indices.map { c -> String in
            let numeric = !rows.isEmpty && rows.allSatisfy { $0[c].isNumeric }
            return numeric ? "---:" : "---"
        }
        lines.append("| " + align.joined(separator: " | ") + " |")
        for row in rows { lines.append("| " + row.map { escapeMarkdownCell($0.plain) }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }
}

// MARK: - HTML

/// Escapes text for HTML element content and double-quoted attribute values.
public func escapeHTML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}

extension Table {
    /// An HTML <table> with a <caption>; numbers get class "num", not-run cells class "notrun".
    public func html() throws -> String {
        let issues = problems()
        guard issues.isEmpty else { throw TableError(problems: issues) }
        var out = "<table>\n<caption>\(escapeHTML(title))</caption>\n<thead><tr>"
        for c in columns { out += "<th>\(escapeHTML(c))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for cell in row {
                switch cell {
                case .number, .proportion: out += "<td class=\"num\">\(escapeHTML(cell.plain))</td>"
                case .text: out += "<td>\(escapeHTML(cell.plain))</td>"
                case .notRun: out += "<td class=\"notrun\">\(escapeHTML(cell.plain))</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}

// MARK: - graft vs paper

/// One reproduced quantity: graft's value (nil = not run, with a reason) and the paper's (nil = not reported).
public struct Comparison: Sendable, Equatable {
    public var name: String
    public var graft: Double?
    public var notRunReason: String
    public var paper: Double?
    public init(name: String, graft: Double?, paper: Double?, notRunReason: String = "no result") {
        self.name = name; self.graft = graft; self.paper = paper; self.notRunReason = notRunReason
    }
}

/// A table with columns quantity | graft | paper | Δ (graft − paper); missing sides are explicit.
public func comparisonTable(title: String, _ items: [Comparison], format: NumberFormat = .fixed(3)) -> Table {
    let rows: [[Cell]] = items.map { item in
        let g: Cell = item.graft.map { .number($0, format) } ?? .notRun(reason: item.notRunReason)
        let p: Cell = item.paper.map { .number($0, format) } ?? .text("not reported")
        let d: Cell
        if let gv = item.graft, let pv = item.paper { d = .text(signed(gv - pv, format)) } else { d = .text("—") }
        return [.text(item.name), g, p, d]
    }
    return Table(title: title, columns: ["quantity", "graft", "paper", "Δ (graft − paper)"], rows: rows)
}

/// A difference written with an explicit sign ("+0.012", "-0.300", "0.000" when it rounds to zero).
public func signed(_ value: Double, _ format: NumberFormat) -> String {
    let text = formatNumber(value, format)
    if text.hasPrefix("-") || !value.isFinite { return text }
    return text.allSatisfy({ "0.%".contains($0) }) ? text : "+" + text
}
