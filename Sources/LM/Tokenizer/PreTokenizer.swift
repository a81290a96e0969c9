// Pre-tokenization as llama.cpp does it, by a hand-written scanner (no regex engine). `gpt2` is
// the GPT-2 pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (contractions lower-case only; the optional prefix is only U+0020). `smollm` first cuts every
// number code point (\p{N}) out as a piece of its own, then applies `gpt2` inside each piece:
// " 123" → " ", "1", "2", "3". Letters = L*, numbers = N*, whitespace = Unicode White_Space.

public enum PreTokenizerKind: String, Sendable, CaseIterable {
    case gpt2
    case smollm
}

enum ScalarClass: UInt8 { case letter, number, whitespace, other }

private let asciiClass: [ScalarClass] = (0..<128).map { c in
    switch UInt8(c) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): .letter
    case UInt8(ascii: "0")...UInt8(ascii: "9"): .number
    case 0x09...0x0D, 0x20: .whitespace
    default: .other
    }
}

@inline(__always) func scalarClass(_ v: UInt32) -> ScalarClass {
    if v < 128 { return asciiClass[Int(v)] }
    guard let s = Unicode.Scalar(v) else { return .other }
    let p = s.properties
    if p.isWhitespace { return .whitespace }
    switch p.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
    case .decimalNumber, .letterNumber, .otherNumber: return .number
    default: return .other
    }
}

/// Splits `text` into pre-token ranges (indices into `scalars`, the text's code points).
public func preTokenize(_ scalars: [UInt32], kind: PreTokenizerKind) -> [Range<Int>] {
    var out: [Range<Int>] = []
    out.reserveCapacity(scalars.count / 3 + 1)
    let classes = scalars.map(scalarClass)
    switch kind {
    case .gpt2:
        gpt2Split(scalars, classes, 0..<scalars.count, into: &out)
    case .smollm:
        var start = 0
        for i in 0..<scalars.count where classes[i] == .number {
            if start < i { gpt2Split(scalars, classes, start..<i, into: &out) }
            out.append(i..<(i + 1))
            start = i + 1
        }
        if start < scalars.count { gpt2Split(scalars, classes, start..<scalars.count, into: &out) }
    }
    return out
}

/// The GPT-2 pattern inside one piece; nothing looks past the piece's end.
func gpt2Split(_ s: [UInt32], _ cls: [ScalarClass], _ piece: Range<Int>, into out: inout [Range<Int>]) {
    let hi = piece.upperBound
    var pos = piece.lowerBound
    @inline(__always) func emit(_ end: Int) { out.append(pos..<end); pos = end }
    let apostrophe = UInt32(UInt8(ascii: "'")), space: UInt32 = 0x20
    while pos < hi {
        let c = s[pos]
        if c == apostrophe, pos + 1 < hi {
            let n = s[pos + 1]
            if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { emit(pos + 2); continue }   // 's 't 'm 'd
            if pos + 2 < hi {
                let nn = s[pos + 2]
                if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {
                    emit(pos + 3); continue                                                     // 're 've 'll
                }
            }
        }
        let lead = c == space ? 1 : 0
        let headClass: ScalarClass? = pos + lead < hi ? cls[pos + lead] : nil
        if let k = headClass, k != .whitespace {
            var p = pos + lead
            while p < hi && cls[p] == k { p += 1 }    // \p{L}+, \p{N}+ or [^\s\p{L}\p{N}]+
            emit(p)
            continue
        }
        var n = 0
        while pos + n < hi && cls[pos + n] == .whitespace { n += 1 }
        if n > 1 && pos + n < hi {
            emit(pos + n - 1)        // \s+(?!\S): leave the last space to prefix the next word
        } else if n > 0 {
            emit(pos + n)
        } else {
            emit(pos + 1)
        }
    }
}
