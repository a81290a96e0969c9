// Byte-level BPE, tokenizing exactly as llama.cpp does: special tokens are cut out of the text
// first (longest first; control tokens only when parseSpecial), each remaining fragment is
// pre-tokenized, each pre-token's UTF-8 bytes become byte-level symbols, and adjacent pairs are
// merged lowest rank first (leftmost among equal ranks) until no merge applies. No BOS is added.
// Pre-token → ids results are cached, since task data repeats the same short pieces endlessly:
// a shared tokenizer locks its cache once per text; `forOneThread()` gives a worker its own
// unlocked cache over the same (immutable) tables, for loops that encode millions of texts.
import Foundation

/// Token kinds as GGUF's tokenizer.ggml.token_type stores them.
public enum TokenType: Int, Sendable {
    case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// What a tokenizer is made of (from GGUF metadata or vocab.json + merges.txt).
public struct BPEVocabulary: Sendable {
    public var tokens: [String]                  // byte-level texts, by id
    public var types: [TokenType]
    public var merges: [(left: String, right: String)]   // by rank
    public var preTokenizer: PreTokenizerKind
    public var eos: Int?
    public var bos: Int?

    public init(tokens: [String], types: [TokenType], merges: [(left: String, right: String)],
                preTokenizer: PreTokenizerKind, eos: Int?, bos: Int?) {
        self.tokens = tokens; self.types = types; self.merges = merges
        self.preTokenizer = preTokenizer; self.eos = eos; self.bos = bos
    }
}

public struct TokenizerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public final class BPETokenizer: @unchecked Sendable {
    public let vocabulary: BPEVocabulary
    public var vocabSize: Int { vocabulary.tokens.count }
    public var eos: Int? { vocabulary.eos }
    /// Merges whose sides or result are not tokens of the vocabulary (they can never apply to ids).
    public let unusableMerges: Int
    /// Bytes without a byte-level token (SmolLM2 lacks a few control bytes). Like llama.cpp,
    /// such a byte yields no token at all.
    public let bytesWithoutToken: [UInt8]

    let idOf: [String: Int32]
    let byteToken: [Int32]                       // byte → id of its byte-level character
    let mergeTable: [UInt64: (rank: Int32, result: Int32)]
    let specials: [(text: [UInt8], id: Int32, control: Bool)]   // longest text first
    private var cache = PieceCache()
    private let lock: NSLock?                    // nil: one thread at a time (forOneThread)

    public init(_ v: BPEVocabulary) throws {
        guard v.tokens.count == v.types.count else {
            throw TokenizerError("tokenizer: \(v.tokens.count) tokens but \(v.types.count) token types")
        }
        vocabulary = v
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(v.tokens.count)
        for (i, t) in v.tokens.enumerated() where ids[t] == nil { ids[t] = Int32(i) }
        idOf = ids
        var bytes = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            if let id = ids[String(ByteLevel.byteToScalar[b])] { bytes[b] = id }
        }
        let missing = (0..<256).filter { bytes[$0] < 0 }.map(UInt8.init)
        guard missing.count < 128 else {
            throw TokenizerError("tokenizer: the vocabulary lacks the byte-level tokens of \(missing.count) bytes (e.g. 0x\(String(missing[0], radix: 16))); not a byte-level BPE vocabulary")
        }
        byteToken = bytes
        bytesWithoutToken = missing
        var table: [UInt64: (Int32, Int32)] = [:]
        table.reserveCapacity(v.merges.count)
        var unusable = 0
        for (rank, m) in v.merges.enumerated() {
            guard let l = ids[m.left], let r = ids[m.right], let res = ids[m.left + m.right] else { unusable += 1; continue }
            let key = UInt64(UInt32(l)) << 32 | UInt64(UInt32(r))
            if table[key] == nil { table[key] = (Int32(rank), res) }
        }
        mergeTable = table
        unusableMerges = unusable
        lock = NSLock()
        var sp: [(text: [UInt8], id: Int32, control: Bool)] = []
        for (i, t) in v.types.enumerated() where t == .control || t == .userDefined || t == .unknown {
            let text = Array(v.tokens[i].utf8)
            if !text.isEmpty { sp.append((text, Int32(i), t != .userDefined)) }
        }
        specials = sp.sorted { ($0.text.count, $1.id) > ($1.text.count, $0.id) }
    }

    /// The same tables with an empty, unlocked cache of its own.
    private init(sharing t: BPETokenizer) {
        vocabulary = t.vocabulary; unusableMerges = t.unusableMerges; bytesWithoutToken = t.bytesWithoutToken
        idOf = t.idOf; byteToken = t.byteToken; mergeTable = t.mergeTable; specials = t.specials
        lock = nil
    }

    /// This tokenizer for one thread at a time: the same tables (shared, not copied) and an
    /// unlocked cache of its own. Encodes exactly as `self` does; never share it between threads.
    public func forOneThread() -> BPETokenizer { BPETokenizer(sharing: self) }

    /// Token ids of `text` (no BOS). With `parseSpecial`, control-token texts such as
    /// `<|im_end|>` become their ids; without it they are tokenized as plain text.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int] {
        var out: [Int] = []
        for fragment in partition(Array(text.utf8), parseSpecial: parseSpecial) {
            switch fragment {
            case .special(let id): out.append(Int(id))
            case .text(let bytes): encodeText(bytes, into: &out)
            }
        }
        return out
    }

    enum Fragment { case text([UInt8]), special(Int32) }

    /// Cuts special-token texts out of raw text, longest token first, as llama.cpp does.
    func partition(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var frags: [Fragment] = [.text(bytes)]
        for sp in specials where parseSpecial || !sp.control {
            var next: [Fragment] = []
            for f in frags {
                guard case .text(let b) = f, b.count >= sp.text.count else { next.append(f); continue }
                var start = 0, i = 0
                let first = sp.text[0], n = sp.text.count
                while i + n <= b.count {
                    if b[i] == first && b[i..<(i + n)].elementsEqual(sp.text) {
                        if start < i { next.append(.text(Array(b[start..<i]))) }
                        next.append(.special(sp.id))
                        i += n
                        start = i
                    } else {
                        i += 1
                    }
                }
                if start < b.count { next.append(.text(start == 0 ? b : Array(b[start...]))) }
            }
            frags = next
        }
        return frags
    }

    private func encodeText(_ bytes: [UInt8], into out: inout [Int]) {
        let (scalars, offsets) = utf8Scalars(bytes)
        let pieces = preTokenize(scalars, kind: vocabulary.preTokenizer)
        lock?.lock()
        defer { lock?.unlock() }
        for r in pieces {
            let piece = bytes[offsets[r.lowerBound]..<offsets[r.upperBound]]
            if let hit = cache.ids(of: piece) {
                for id in hit { out.append(Int(id)) }
                continue
            }
            let ids = bpe(piece)
            if cache.count >= 1_000_000 { cache = PieceCache() }
            cache.store(ids, for: piece)
            for id in ids { out.append(Int(id)) }
        }
    }

    /// Merges the byte symbols of one pre-token by rank.
    func bpe(_ piece: ArraySlice<UInt8>) -> [Int32] {
        var symbols = piece.map { byteToken[Int($0)] }
        while symbols.count > 1 {
            var bestRank = Int32.max, bestAt = -1, bestResult: Int32 = 0
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(bitPattern: symbols[i])) << 32 | UInt64(UInt32(bitPattern: symbols[i + 1]))   // −1: a byte without a token
                if let m = mergeTable[key], m.rank < bestRank {
                    bestRank = m.rank; bestAt = i; bestResult = m.result
                }
            }
            if bestAt < 0 { break }
            symbols[bestAt] = bestResult
            symbols.remove(at: bestAt + 1)
        }
        return bytesWithoutToken.isEmpty ? symbols : symbols.filter { $0 >= 0 }
    }

    /// The bytes of token ids (special tokens as their text).
    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        for id in ids where id >= 0 && id < vocabSize {
            let t = vocabulary.tokens[id]
            if vocabulary.types[id] == .normal || vocabulary.types[id] == .byte || vocabulary.types[id] == .undefined,
               let b = ByteLevel.decode(t) {
                out += b
            } else {
                out += Array(t.utf8)
            }
        }
        return out
    }

    /// The text of token ids (invalid UTF-8, e.g. half a character, becomes U+FFFD).
    public func decode(_ ids: [Int]) -> String { String(decoding: decodeBytes(ids), as: UTF8.self) }

    /// The text of one token (special tokens as their text).
    public func piece(_ id: Int) -> String { decode([id]) }

    /// The id of a token's byte-level text, if it is in the vocabulary.
    public func id(of tokenText: String) -> Int? { idOf[tokenText].map(Int.init) }
}

/// The code points of UTF-8 bytes and the byte offset where each starts (plus the end).
/// Fragments of a Swift String are valid UTF-8; anything else goes through String's repair
/// (U+FFFD per bad sequence), as before.
func utf8Scalars(_ b: [UInt8]) -> (scalars: [UInt32], offsets: [Int]) {
    var scalars: [UInt32] = [], offsets: [Int] = []
    scalars.reserveCapacity(b.count); offsets.reserveCapacity(b.count + 1)
    var i = 0
    while i < b.count {
        let c = b[i]
        var v: UInt32, n: Int
        if c < 0x80 { v = UInt32(c); n = 1 }
        else if c & 0xE0 == 0xC0 { v = UInt32(c & 0x1F); n = 2 }
        else if c & 0xF0 == 0xE0 { v = UInt32(c & 0x0F); n = 3 }
        else if c & 0xF8 == 0xF0 { v = UInt32(c & 0x07); n = 4 }
        else { return repairedScalars(b) }
        guard i + n <= b.count else { return repairedScalars(b) }
        for j in 1..<n {
            let cont = b[i + j]
            guard cont & 0xC0 == 0x80 else { return repairedScalars(b) }
            v = v << 6 | UInt32(cont & 0x3F)
        }
        // overlong forms, surrogates and values past U+10FFFF are invalid too: let String judge
        guard v >= minimumScalar[n], v < 0xD800 || (v >= 0xE000 && v <= 0x10FFFF) else { return repairedScalars(b) }
        offsets.append(i); scalars.append(v)
        i += n
    }
    offsets.append(b.count)
    return (scalars, offsets)
}

/// The smallest code point that needs n UTF-8 bytes (index n).
private let minimumScalar: [UInt32] = [0, 0, 0x80, 0x800, 0x10000]

/// The slow path: String's decoding (with U+FFFD for invalid sequences) and re-encoded offsets.
private func repairedScalars(_ b: [UInt8]) -> (scalars: [UInt32], offsets: [Int]) {
    let scalars = String(decoding: b, as: UTF8.self).unicodeScalars.map(\.value)
    var offsets = [Int](repeating: 0, count: scalars.count + 1)
    for (i, v) in scalars.enumerated() {
        offsets[i + 1] = offsets[i] + (v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4)
    }
    return (scalars, offsets)
}

/// Pre-token bytes → ids. Pieces up to 15 bytes (nearly all) are keyed by their bytes packed
/// into two words and their length, so a lookup allocates nothing.
struct PieceCache {
    struct Short: Hashable { var lo: UInt64 = 0, hi: UInt64 = 0 }
    private var short: [Short: [Int32]] = [:]
    private var long: [[UInt8]: [Int32]] = [:]
    var count: Int { short.count + long.count }

    @inline(__always) static func key(_ p: ArraySlice<UInt8>) -> Short? {
        guard p.count <= 15 else { return nil }
        var k = Short(hi: UInt64(p.count) << 56)
        var shift: UInt64 = 0, i = p.startIndex
        while i < p.endIndex {
            if shift < 64 { k.lo |= UInt64(p[i]) << shift } else { k.hi |= UInt64(p[i]) << (shift - 64) }
            shift += 8; i += 1
        }
        return k
    }
    func ids(of p: ArraySlice<UInt8>) -> [Int32]? {
        if let k = Self.key(p) { return short[k] }
        return long[Array(p)]
    }
    mutating func store(_ ids: [Int32], for p: ArraySlice<UInt8>) {
        if let k = Self.key(p) { short[k] = ids } else { long[Array(p)] = ids }
    }
}
