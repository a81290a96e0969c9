// Artifacts: same parameters and seed give byte-identical JSONL and cards; another seed changes
// them; rows parse as JSON and carry the fields the later stages read.
import Foundation
import Testing
@testable import Tasks
import TestSupport

@Suite struct WriteTaskTests {
    func write(_ task: TaskKind, seed: UInt64, dir: String, tokenizer: (any TextTokenizer)? = nil) throws -> [Data] {
        let o = TaskOutputs(train: dir + "/train.jsonl", test: dir + "/test.jsonl", ood: dir + "/ood.jsonl",
                            card: dir + "/card.json", cardMarkdown: dir + "/card.md")
        try writeTaskData(task, profile: "smoke", sizes: TaskSizes(pool: 30, test: 50, ood: 20), options: OODOptions(),
                          seed: seed, outputs: o, tokenizer: tokenizer)
        return try [o.train, o.test, o.ood, o.card, o.cardMarkdown!].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    }

    @Test func byteIdenticalForSameSeed() throws {
        let d = try makeTemporaryDirectory("tasks")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let a = try write(.sum, seed: 9, dir: d, tokenizer: tinySum)
        let b = try write(.sum, seed: 9, dir: d, tokenizer: tinySum)
        let c = try write(.sum, seed: 10, dir: d, tokenizer: tinySum)
        #expect(a == b)
        #expect(a[0] != c[0] && a[1] != c[1])
        let row = try JSONSerialization.jsonObject(with: a[0].split(separator: UInt8(ascii: "\n"))[0]) as! [String: Any]
        #expect(row["prompt"] is String && row["label"] is String && row["compiled_tokens"] is [String] && row["lm_to_compiled"] is [Int])
        #expect((row["lm_tokens"] as? [Int])?.count ?? 0 > row["prompt_tokens"] as? Int ?? .max)
        let ood = try JSONSerialization.jsonObject(with: a[2].split(separator: UInt8(ascii: "\n"))[0]) as! [String: Any]
        #expect(ood["set"] as? String == "cascading_overflow")
        let card = try JSONSerialization.jsonObject(with: a[3]) as! [String: Any]
        #expect(card["task"] as? String == "sum" && card["duplicatesRemoved"] as? Int == 0)
        // OOD rows over max_seq_len 16 (5-digit sums, decimals) have no compiled fields; the card counts them.
        let oodRows = try a[2].split(separator: UInt8(ascii: "\n")).map { try JSONSerialization.jsonObject(with: $0) as! [String: Any] }
        let without = oodRows.filter { $0["lm_tokens"] == nil }
        let counted = (card["sets"] as! [[String: Any]]).compactMap { $0["compiledTooLong"] as? Int }.reduce(0, +)
        #expect(without.count > 0 && without.count == counted)
    }

    @Test func byteWriterMatchesStringWriter() {
        let e = Example(prompt: "a\"b\\c\nd\u{1}é", label: "7")
        let c = CompiledInput(lmTokens: [5, 12], compiledTokens: ["bos", "1", " "], lmToCompiled: [1, 2], promptTokens: 1)
        var bytes: [UInt8] = []
        for _ in 0..<2 { appendJSONLine(e, set: "s", compiled: c, to: &bytes) }
        #expect(bytes == Array((jsonLine(e, set: "s", compiled: c) + jsonLine(e, set: "s", compiled: c)).utf8))
    }

    /// The one reader gives back what the writer wrote (the row type is the file's one definition),
    /// including the fields the later stages need; the files generate-data wrote read back whole.
    @Test func readerReadsWhatTheWriterWrote() throws {
        let c = CompiledInput(lmTokens: [5, 12, 7], compiledTokens: ["bos", "1", " ", "2"], lmToCompiled: [1, 2, 3], promptTokens: 2)
        let rows = [TaskRow(prompt: "a\"b\\c\nd\u{1}é", label: "7", set: "s", compiled: c), TaskRow(prompt: "x", label: "y")]
        let path = try makeTemporaryDirectory("tasks") + "/rows.jsonl"
        var bytes: [UInt8] = []
        appendJSONLine(Example(prompt: rows[0].prompt, label: rows[0].label), set: rows[0].set, compiled: c, to: &bytes)
        bytes += Array(jsonLine(Example(prompt: "x", label: "y")).utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try readTaskFile(path, needs: TaskFileNeeds()).rows == rows)
        #expect { try readTaskFile(path, needs: TaskFileNeeds(compiled: true)) } throws: {
            "\($0)".contains("rows.jsonl:2: the example has no compiled inputs") && "\($0)".contains("1 problem")
        }
        #expect { try readTaskFile(path, needs: TaskFileNeeds(set: true)) } throws: { "\($0)".contains("rows.jsonl:2: missing field \"set\"") }
        #expect(try readTaskFile(path, needs: TaskFileNeeds(), limit: 1).rows.count == 1)
        #expect(try readTaskFile(path, needs: TaskFileNeeds(), accept: { $0.compiled == nil }).refused == 1)

        let d = try makeTemporaryDirectory("tasks")
        defer { try? FileManager.default.removeItem(atPath: d) }
        _ = try write(.count, seed: 3, dir: d, tokenizer: nil)
        for file in ["train", "test"] { #expect(try readTaskFile(d + "/\(file).jsonl", needs: TaskFileNeeds(task: .count)).rows.count > 0) }
        #expect(try readTaskFile(d + "/ood.jsonl", needs: TaskFileNeeds(set: true, task: .count)).rows.allSatisfy { $0.set != nil })
    }

    @Test func jsonEscaping() {
        #expect(jsonLine(Example(prompt: "a\"b\\c\nd\u{1}", label: "x")) == "{\"prompt\":\"a\\\"b\\\\c\\nd\\u0001\",\"label\":\"x\"}\n")
    }
}
