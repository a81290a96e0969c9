// Byte-level BPE, tokenizing exactly as llama.cpp does: special tokens are cut out of the text
// first (longest first; control tokens only when parseSpecial), each remaining fragment is
// pre-tokenized, each pre-token's UTF-8 bytes become byte-level symbols, and adjacent pairs are
// merged lowest rank first (leftmost among equal ranks) until no merge applies. No BOS is added.
// Pre-token → ids results are cached, since task data repeats the same short pieces endlessly.
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
    private var cache: [String: [Int32]] = [:]
    private let lock = NSLock()

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
        var sp: [(text: [UInt8], id: Int32, control: Bool)] = []
        for (i, t) in v.types.enumerated() where t == .control || t == .userDefined || t == .unknown {
            let text = Array(v.tokens[i].utf8)
            if !text.isEmpty { sp.append((text, Int32(i), t != .userDefined)) }
        }
        specials = sp.sorted { ($0.text.count, $1.id) > ($1.text.count, $0.id) }
    }

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
        let text = String(decoding: bytes, as: UTF8.self)
        let scalars = text.unicodeScalars.map(\.value)
        var utf8Offsets = [Int](repeating: 0, count: scalars.count + 1)
        for (i, v) in scalars.enumerated() {
            utf8Offsets[i + 1] = utf8Offsets[i] + (v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4)
        }
        let utf8 = Array(text.utf8)
        for r in preTokenize(scalars, kind: vocabulary.preTokenizer) {
            let piece = utf8[utf8Offsets[r.lowerBound]..<utf8Offsets[r.upperBound]]
            let key = String(decoding: piece, as: UTF8.self)
            lock.lock()
            let hit = cache[key]
            lock.unlock()
            if let hit {
                for id in hit { out.append(Int(id)) }
                continue
            }
            let ids = bpe(piece)
            lock.lock()
            if cache.count > 1_000_000 { cache.removeAll(keepingCapacity: true) }
            cache[key] = ids
            lock.unlock()
            for id in ids { out.append(Int(id)) }
        }
    }

    /// Merges the byte symbols of one pre-token by rank.
    func bpe(_ piece: ArraySlice<UInt8>) -> [Int32] {
        var symbols = piece.map { byteToken[Int($0)] }
        while symbols.count > 1 {
            var bestRank = Int32.max, bestAt = -1, bestResult: Int32 = 0
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(symbols[i])) << 32 | UInt64(UInt32(symbols[i + 1]))
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
