// The pre-tokenizer scanner against pieces worked out by hand from the GPT-2 pattern and the
// smollm digit split.
import Testing
@testable import LM

@Suite struct PreTokenizerTests {
    func pieces(_ s: String, _ kind: PreTokenizerKind) -> [String] {
        let scalars = s.unicodeScalars.map(\.value)
        return preTokenize(scalars, kind: kind).map { r in
            var v = String.UnicodeScalarView()
            for x in scalars[r] { v.append(Unicode.Scalar(x)!) }
            return String(v)
        }
    }

    @Test func gpt2Pattern() {
        #expect(pieces("Hello world!!", .gpt2) == ["Hello", " world", "!!"])
        #expect(pieces("a  b", .gpt2) == ["a", " ", " b"])
        #expect(pieces("a   \nb", .gpt2) == ["a", "   ", "\n", "b"])
        #expect(pieces("end  ", .gpt2) == ["end", "  "])
        #expect(pieces("it's I'M we'll", .gpt2) == ["it", "'s", " I", "'", "M", " we", "'ll"])
        #expect(pieces(" 123 x2", .gpt2) == [" 123", " x", "2"])
        #expect(pieces("]{ ).", .gpt2) == ["]{", " ).",])
        #expect(pieces("naïve 中文", .gpt2) == ["naïve", " 中文"])
        #expect(pieces("\u{a0}x", .gpt2) == ["\u{a0}", "x"])
        #expect(pieces("", .gpt2) == [])
    }

    @Test func smollmSplitsEveryDigit() {
        #expect(pieces(" 123", .smollm) == [" ", "1", "2", "3"])
        #expect(pieces("213 + 391 = 604", .smollm) == ["2", "1", "3", " +", " ", "3", "9", "1", " =", " ", "6", "0", "4"])
        #expect(pieces("x1y", .smollm) == ["x", "1", "y"])
        #expect(pieces("٣٤ ²", .smollm) == ["٣", "٤", " ", "²"])
    }
}
