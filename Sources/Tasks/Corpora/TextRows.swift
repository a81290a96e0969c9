// General text for the KL loss cut into rows of N LM tokens (METHOD §7 uses one 70-token row
// per FineWeb-Edu document; with only ≈3,000 documents here, each document is cut into
// consecutive N-token rows instead, its last partial row padded with the pad id).

/// Rows of exactly `n` token ids, documents in order; `pad` fills each document's last row.
public func textRows(_ documents: [Document], tokenizer: some TextTokenizer, tokensPerRow n: Int, pad: Int) -> [[Int]] {
    precondition(n > 0)
    var rows: [[Int]] = []
    for d in documents {
        let ids = tokenizer.encode(d.text)
        var i = 0
        while i < ids.count {
            var row = Array(ids[i..<min(i + n, ids.count)])
            if row.count < n { row += [Int](repeating: pad, count: n - row.count) }
            rows.append(row)
            i += n
        }
    }
    return rows
}

/// One JSON array of ids per line.
public func textRowsJSONLines(_ rows: [[Int]]) -> [UInt8] {
    var out: [UInt8] = []
    for r in rows {
        out.append(91)
        for (i, v) in r.enumerated() { if i > 0 { out.append(44) }; appendIntBytes(v, to: &out) }
        out.append(93); out.append(10)
    }
    return out
}
