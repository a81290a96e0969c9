// The real default model end to end (GGUF → HF weights → the engine's TransformerLM): next-token
// top-1 against llama.cpp's own predictions (scripts/reference/top1_llamacpp.jsonl, pinned here;
// llama.cpp multiplies in Q4_1/Q8 while graft dequantises to Float32, so near-ties may differ at
// a few positions; an independent numpy forward agreed at 125/126), greedy generation, top-k.
import Foundation
import Testing
@testable import LM

@Suite(.serialized) struct InferenceTests {   // one shared model: its activation arena is not reentrant
    /// (prompt ids, llama.cpp's argmax next token at each position)
    static let llamaCpp: [([Int], [Int])] = [
        ([504, 3575, 282, 4649, 314], [29, 282, 260, 314, 7042]),
        ([6403, 1980, 253, 655, 28, 665, 436, 253, 1838, 8180, 617, 4161, 281, 253, 6560, 2141, 260, 3150, 30], [29, 260, 655, 28, 260, 436, 253, 1165, 8180, 3365, 5732, 281, 253, 1165, 10000, 253, 3426, 30, 2306]),
        ([12615, 36411, 418, 253, 2779, 282, 216, 33, 32, 32, 5027, 20590, 418, 3426, 1106, 28, 564, 418, 2061, 29326], [29, 1187, 216, 5428, 282, 1130, 33, 28, 32, 32, 20590, 28, 253, 1106, 30, 564, 357, 253, 28200, 28]),
        ([504, 2365, 6354, 16438, 27003, 690, 260, 23790, 2767, 30, 669, 6330, 314, 4248, 975, 357, 3593], [29, 970, 16438, 351, 690, 253, 4411, 2767, 198, 198, 314, 314, 253, 327, 357, 2925, 253]),
        ([1, 4093, 198, 1780, 314, 260, 3995, 3925, 281, 653, 3693, 817, 47, 2, 198, 1, 520, 9531, 198], [29, 198, 198, 314, 260, 3193, 1343, 281, 653, 3693, 817, 47, 2, 198, 1, 520, 9531, 198, 504]),
        ([34, 33, 35, 1232, 216, 35, 41, 33, 446, 216, 38, 32, 36], [29, 32, 30, 216, 33, 446, 446, 30, 216, 33, 34, 33, 30]),
        ([9215, 1958, 6982, 1535, 7536, 17272, 47, 21743, 2255, 198, 21350, 42], [29, 29, 314, 42, 42, 260, 2, 33, 446, 198, 42, 216]),
        ([788, 216, 33, 36, 41, 34, 28, 18176, 23217, 1699, 260, 8464, 7357, 284, 5388, 260, 8588, 282, 260, 11981, 30], [29, 34, 32, 30, 30, 28, 260, 23217, 260, 260, 8464, 7357, 28, 6612, 260, 16994, 282, 260, 16994, 30, 909]),
    ]

    static let model: Result<TransformerLM, Error> = Result {
        let m = try realModel.get()
        return try TransformerLM(config: m.config, weights: m.weights)
    }

    @Test func topIDsOrdersAndBreaksTiesByLowerID() {
        let l: [Float] = [0.5, 2, -1, 2, 7, 0.5]
        #expect(l.withUnsafeBufferPointer { topIDs($0.baseAddress!, vocab: 6, k: 3) } == [4, 1, 3])
        #expect(l.withUnsafeBufferPointer { topIDs($0.baseAddress!, vocab: 6, k: 6) } == [4, 1, 3, 0, 5, 2])
    }

    @Test func nextTokenTop1MatchesLlamaCpp() throws {
        let model = try Self.model.get()
        var agree = 0, total = 0
        for (ids, expected) in Self.llamaCpp {
            let got = try nextTokenTop1(model, ids)
            agree += zip(got, expected).filter { $0 == $1 }.count
            total += ids.count
            #expect(got.last == expected.last, "last position of \(ids)")
        }
        #expect(total == 126)
        #expect(agree >= 123, "top-1 agrees with llama.cpp at \(agree)/\(total) positions")
    }

    @Test func greedyGenerationIsSensibleEnglish() throws {
        let model = try Self.model.get()
        let tok = try loadTokenizer(try realGGUF.get())
        let ids = try greedyGenerate(model, tok, prompt: "The capital of France is", maxTokens: 3)
        #expect(tok.decode(ids).hasPrefix(" Paris"))
        let chat = try greedyGenerate(model, tok, prompt: "<|im_start|>user\nWhat is the capital of Italy?<|im_end|>\n<|im_start|>assistant\n", maxTokens: 12)
        #expect(tok.decode(chat).contains("Rome"))
    }

    @Test func logitsLineFormat() throws {
        let model = try Self.model.get()
        let tok = try loadTokenizer(try realGGUF.get())
        let line = try logitsJSONLine(model, tok, text: "Hello world", top: 5)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["ids"] as? [Int] == [19556, 905])
        let top = try #require(obj["top"] as? [[Int]])
        #expect(top.count == 2 && top.allSatisfy { $0.count == 5 })
        let last = try #require(obj["last"] as? [Double])
        #expect(last.count == 49152)
        #expect(last.indices.max { last[$0] < last[$1] } == top[1][0])
    }
}
