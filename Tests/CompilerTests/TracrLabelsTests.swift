// graft's residual basis equals tracr's, label for label and in order, for programs whose
// labels were dumped from tracr's own front-end (Fixtures/tracr_labels.py; tracr 9ce2b8c):
// the paper's shuffle-Dyck and int-sum at their real settings, count at max_seq_len 20 (tracr's
// front-end needs over 15 minutes at 120), and tracr's lib sort_freq, reverse, shuffle_dyck.
import Testing
import TestSupport
@testable import Compiler
@testable import RASP

func fixture(_ name: String) throws -> [String] {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast()
    let text = try readTextFile(parts.joined(separator: "/") + "/Fixtures/" + name)
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

struct LabelCase: Sendable, CustomTestStringConvertible {
    var fixture: String
    var program: String
    var vocab: [String]
    var maxSeqLen: Int
    var exactness: Double = 100
    var testDescription: String { program }
}

@Suite struct TracrLabelsTests {
    static let cases = [
        LabelCase(fixture: "tracr_labels_dyck.txt", program: "shuffle_dyck.rasp", vocab: dyckVocab, maxSeqLen: 40),
        LabelCase(fixture: "tracr_labels_int_sum.txt", program: "int_sum.rasp", vocab: sumVocab, maxSeqLen: 16),
        LabelCase(fixture: "tracr_labels_count20.txt", program: "count.rasp", vocab: (0..<20).map(String.init) + ["yes", "no", "count"],
                  maxSeqLen: 20, exactness: 10000),
        LabelCase(fixture: "tracr_labels_sort_freq.txt", program: "lib/sort_freq.rasp", vocab: ["a", "b", "c"], maxSeqLen: 6),
        LabelCase(fixture: "tracr_labels_reverse.txt", program: "lib/reverse.rasp", vocab: ["a", "b", "c"], maxSeqLen: 4),
        LabelCase(fixture: "tracr_labels_shuffle_dyck.txt", program: "lib/shuffle_dyck.rasp", vocab: ["(", ")", "{", "}", "[", "]", "a"], maxSeqLen: 10),
    ]

    @Test(arguments: cases)
    func residualLabelsMatchTracr(_ c: LabelCase) throws {
        let expected = try fixture(c.fixture)
        #expect(!expected.isEmpty)
        let m = try compileFile(c.program, vocab: c.vocab, maxSeqLen: c.maxSeqLen, causal: true, exactness: c.exactness)
        #expect(m.residualLabels == expected)
    }
}
