// Assembling a report: an ordered list of sections holding prose, tables and figures, written
// either as one self-contained HTML file (inline CSS and SVG, no external resources) or as
// Markdown that references PNG files by relative path.

public struct Figure: Sendable, Equatable {
    public var caption: String
    public var svg: String            // inline in HTML
    public var pngPath: String?       // relative path used by Markdown; nil = figure absent from Markdown
    public init(caption: String, svg: String, pngPath: String? = nil) {
        self.caption = caption; self.svg = svg; self.pngPath = pngPath
    }
}

public enum Block: Sendable, Equatable {
    case paragraph(String)
    case table(Table)
    case figure(Figure)
}

public struct Section: Sendable, Equatable {
    public var heading: String
    public var blocks: [Block]
    public init(_ heading: String, _ blocks: [Block]) { self.heading = heading; self.blocks = blocks }
}

public struct Report: Sendable, Equatable {
    public var title: String
    public var sections: [Section]
    public init(title: String, sections: [Section]) { self.title = title; self.sections = sections }
}

private let pageStyle = """
body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;display:block;overflow-x:auto;max-width:100%}caption{font-weight:bold;text-align:left;padding:.3em 0}
th,td{border:1px solid #bbb;padding:.25em .6em}th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.notrun{color:#a00;font-style:italic}figure{margin:1.5em 0;overflow-x:auto}figcaption{font-size:.9em;color:#555}
"""

extension Report {
    /// One self-contained HTML file. Figures' SVG is inserted as is (it comes from this library's
    /// renderers); every piece of text is escaped.
    public func html() throws -> String {
        for section in sections { for case .figure(let f) in section.blocks where !f.svg.hasPrefix("<svg") {
            throw ChartError(message: "report section \"\(section.heading)\": figure \"\(f.caption)\" is not an inline <svg> document")
        } }
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>\(escapeHTML(title))</title>\n"
        out += "<style>\n\(pageStyle)</style>\n</head>\n<body>\n<h1>\(escapeHTML(title))</h1>\n"
        for section in sections {
            out += "<section>\n<h2>\(escapeHTML(section.heading))</h2>\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let p): out += "<p>\(escapeHTML(p))</p>\n"
                case .table(let t): out += try t.html()
                case .figure(let f): out += "<figure>\n\(f.svg)<figcaption>\(escapeHTML(f.caption))</figcaption>\n</figure>\n"
                }
            }
            out += "</section>\n"
        }
        return out + "</body>\n</html>\n"
    }

    /// Markdown with figures as image links to their PNG paths; a figure without a PNG is an error
    /// (naming it), so a Markdown report never silently drops a figure.
    public func markdown() throws -> String {
        var out = "# \(title)\n"
        for section in sections {
            out += "\n## \(section.heading)\n"
            for block in section.blocks {
                out += "\n"
                switch block {
                case .paragraph(let p): out += p + "\n"
                case .table(let t): out += try t.markdown()
                case .figure(let f):
                    guard let path = f.pngPath else {
                        throw ChartError(message: "report section \"\(section.heading)\": figure \"\(f.caption)\" has no PNG path for the Markdown report; render its SVG with renderPNG(svg:) and set pngPath")
                    }
                    out += "![\(escapeMarkdownCell(f.caption))](\(path.replacingSpaces()))\n\n*\(escapeMarkdownCell(f.caption))*\n"
                }
            }
        }
        return out
    }
}

private extension String {
    /// Spaces in a relative link written as %20 (GitHub Markdown stops a link at a space).
    func replacingSpaces() -> String { split(separator: " ", omittingEmptySubsequences: false).joined(separator: "%20") }
}
