// Reading task records (clear errors for lines without compiled inputs) and batch assembly:
// padding, answer-only targets, compiled residuals gathered at the aligned positions.
import Testing
import Foundation
import Compiler
import Tasks
@testable import Injection

/// The description of the error `body` throws, or "" when it throws none.
func errorText(_ body: () throws -> Void) -> String {
    do { try body(); return "" } catch { return "\(error)" }
}

@Suite struct TaskBatchTests {
    func write(_ text: String) -> String {
        let p = NSTemporaryDirectory() + "graft-records-\(UUID().uuidString).jsonl"
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    @Test func readsRecordsAndNamesBadLines() throws {
        let good = #"{"prompt":"p","label":"1","lm_tokens":[0,1,2,3,4],"prompt_tokens":4,"compiled_tokens":["bos","a","b","c","a"],"lm_to_compiled":[1,2,3,4,4]}"#
        let r = try readTaskRecords(write(good + "\n"))
        #expect(r == [TaskRecord(lmTokens: [0, 1, 2, 3, 4], promptTokens: 4, compiledTokens: ["a", "b", "c", "a"], lmToCompiled: [1, 2, 3, 4, 4])])
        let noCompiled = #"{"prompt":"p","label":"1"}"#
        #expect(errorText { _ = try readTaskRecords(write(good + "\n" + noCompiled + "\n")) }.contains(":2: the example has no compiled inputs"))
        #expect(errorText { _ = try readTaskRecords(write("{not json\n")) }.contains(":1:"))
        #expect(throws: TaskFileError.self) { try readTaskRecords("/nonexistent.jsonl") }
        // generate-data gives every LM token a compiled position; a file that does not is refused at its line
        #expect(errorText { _ = try readTaskRecords(write(good.replacingOccurrences(of: "4,4]", with: "4,-1]") + "\n")) }
            .contains(":1: lm_to_compiled holds -1"))
    }

    @Test func batchTargetsAndCompiledRows() throws {
        let model = try TinyTask.compiled()
        let teacher = CompiledTeacher(model)
        var recs = Array(TinyTask.records()[0..<2])
        recs[1].lmTokens.removeLast(); recs[1].lmTokens.append(4)    // a different answer
        let b = try teacher.batch(recs, pad: TinyTask.pad, withTargets: true)
        #expect(b.b == 2 && b.t == 5)
        #expect(b.targets == [-1, -1, -1, recs[0].lmTokens[4], -1, -1, -1, -1, 4, -1])
        #expect(b.aligned == [true, true, true, true, false, true, true, true, true, false])
        #expect(b.compiled.count == model.layers.count + 1)
        let res = try teacher.residuals(recs[0])
        let c = model.width
        for i in 0...model.layers.count {
            for p in 0..<4 { #expect(Array(b.compiled[i][(p * c)..<((p + 1) * c)]) == Array(res[i][((p + 1) * c)..<((p + 2) * c)])) }
            #expect(b.compiled[i][(4 * c)..<(5 * c)].allSatisfy { $0 == 0 })
        }
        var wrong = recs[0]
        wrong.compiledTokens[0] = "z"
        #expect(errorText { _ = try teacher.batch([wrong, recs[1]], pad: TinyTask.pad, withTargets: true) }.contains("'z'"))
    }
}

/// distill's reader of documents.jsonl takes what generate-data's `Document.jsonLine` writes, and
/// names the file and line of a row without text.
@Suite struct TextRowsFileTests {
    /// One id per character (its scalar value), so rows are predictable.
    struct CharTokenizer: TextTokenizer {
        func encode(_ text: String) -> [Int] { text.unicodeScalars.map { Int($0.value) } }
        func decode(_ id: Int) -> String { String(UnicodeScalar(UInt32(id)).map(Character.init) ?? "?") }
        func forOneThread() -> any TextTokenizer { self }
    }

    @Test func documentsWrittenByTheWriterAreRead() throws {
        let dir = NSTemporaryDirectory() + "graft-textrows-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/documents.jsonl"
        let docs = [Document(source: "wikipedia", title: "A \"t\"", text: "abcdef"), Document(source: "boolq", title: "", text: "xy")]
        try Data(docs.map(\.jsonLine).joined().utf8).write(to: URL(fileURLWithPath: path))
        let rows = try readTextRows(path, tokenizer: CharTokenizer(), tokensPerRow: 4, pad: 0, rowsNeeded: 10)
        #expect(rows.first == "abcd".unicodeScalars.map { Int32($0.value) })
        #expect(rows.count >= 3)
        try Data("{\"source\":\"x\",\"title\":\"y\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect { _ = try readTextRows(path, tokenizer: CharTokenizer(), tokensPerRow: 4, pad: 0, rowsNeeded: 1) } throws: {
            "\($0)".contains("documents.jsonl:1") && "\($0)".contains("\"text\"")
        }
    }
}
