// General-text rows: consecutive N-token rows per document, last row padded, documents in order.
import Testing
@testable import Tasks

@Suite struct TextRowsTests {
    @Test func cutsAndPads() {
        let t = TinyTokenizer(vocab: ["a", "b", "c", " "])
        let docs = [Document(source: "w", title: "", text: "abcab"), Document(source: "b", title: "", text: "c")]
        #expect(textRows(docs, tokenizer: t, tokensPerRow: 2, pad: 9) == [[0, 1], [2, 0], [1, 9], [2, 9]])
        #expect(textRowsJSONLines([[0, 1], [12, 9]]) == Array("[0,1]\n[12,9]\n".utf8))
    }
}
