// Input files: good rows parse; every bad line is reported at once with file and line; a
// missing file names the stage that makes it; CRLF text lines lose their "\r".
import Testing
@testable import Evaluation
import Tasks
import TestSupport

@Suite struct InputsTests {
    @Test func taskRowsParseAndBadLinesAreAllReported() throws {
        let dir = try makeTemporaryDirectory("inputs")
        let good = dir + "/test.jsonl"
        try write("{\"prompt\":\"1 + 2 =\",\"label\":\"3\",\"lm_tokens\":[1,2]}\n\n{\"prompt\":\"10 + 20 =\",\"label\":\"30\"}\n", to: good)
        #expect(try readTaskRows(good, task: .sum, requireSet: false) == [TaskRow(prompt: "1 + 2 =", label: "3"), TaskRow(prompt: "10 + 20 =", label: "30")])
        #expect(throws: TaskFileError.self) { try readTaskRows(good, task: .sum, requireSet: true) }

        let bad = dir + "/bad.jsonl"
        try write("{\"prompt\":\"1 + 1 =\",\"label\":\"2\"}\nnot json\n{\"prompt\":3,\"label\":\"1\"}\n{\"label\":\"\"}\n[1]\n", to: bad)
        do {
            _ = try readTaskRows(bad, task: .sum, requireSet: false)
            Issue.record("bad file accepted")
        } catch let e as TaskFileError {
            for part in ["bad.jsonl:2: not JSON", "bad.jsonl:3: field \"prompt\" is not a string", "bad.jsonl:4: missing field \"prompt\"",
                         "bad.jsonl:4: empty label", "bad.jsonl:5: expected a JSON object", "5 problems", "generate-data task"] {
                #expect(e.description.contains(part), "\(part) missing from: \(e.description)")
            }
        }
        do {
            _ = try readTaskRows(dir + "/absent.jsonl", task: .sum, requireSet: false)
            Issue.record("missing file accepted")
        } catch let e as TaskFileError {
            #expect(e.description.contains("absent.jsonl") && e.description.contains("generate-data"))
        }
        let empty = dir + "/empty.jsonl"
        try write("", to: empty)
        #expect(throws: TaskFileError.self) { try readTaskRows(empty, task: .sum, requireSet: false) }
    }

    /// Data of one task read under another task's name fails at the file and line (issue 16, defect 7).
    @Test func rowsOfAnotherTaskAreRefused() throws {
        let dir = try makeTemporaryDirectory("inputs-task")
        let count = dir + "/count.jsonl"
        try write("{\"prompt\":\"What is the number of 'x' in this text? x y\\nAnswer:\",\"label\":\"1\"}\n", to: count)
        #expect(try readTaskRows(count, task: .count, requireSet: false).count == 1)
        for other in [TaskKind.dyck, .sum] {
            #expect { try readTaskRows(count, task: other, requireSet: false) } throws: {
                "\($0)".contains("count.jsonl:1: prompt") && "\($0)".contains("not a \(other.rawValue) prompt") && "\($0)".contains("--task")
            }
        }
        #expect(TaskKind.dyck.problem(prompt: "Are parenthesis here correctly matched? ()\nAnswer:", label: "maybe") != nil)
        #expect(TaskKind.sum.problem(prompt: "12.50 + 3.25 =", label: "15.75") == nil)
        #expect(TaskKind.sum.problem(prompt: "12 + =", label: "12") != nil)
    }

    @Test func corporaRowsParse() throws {
        let dir = try makeTemporaryDirectory("corpora")
        try write("{\"sentence\":\"good .\",\"label\":1,\"idx\":0}\n", to: dir + "/sst2.jsonl")
        #expect(try readSST2(dir + "/sst2.jsonl") == [SentimentRow(sentence: "good .", label: 1)])
        try write("{\"sentence\":\"bad\",\"label\":2,\"idx\":0}\n", to: dir + "/bad.jsonl")
        #expect(throws: EvaluationInputError.self) { try readSST2(dir + "/bad.jsonl") }
        try write("{\"sentence1\":\"a\",\"sentence2\":\"b\",\"label\":0,\"idx\":3}\n", to: dir + "/mrpc.jsonl")
        #expect(try readMRPC(dir + "/mrpc.jsonl") == [ParaphraseRow(sentence1: "a", sentence2: "b", label: 0)])
        try write("{\"text\":\"a b c\"}\n", to: dir + "/lambada.jsonl")
        #expect(try readLAMBADA(dir + "/lambada.jsonl") == ["a b c"])
        try write("First line\r\n\r\n  second\r\nthird", to: dir + "/s.txt")
        #expect(try readShakespeareLines(dir + "/s.txt") == ["First line", "", "  second", "third"])
    }

    /// What generate-data's row types write (`jsonLine`), evaluate's readers read back, quotes,
    /// backslashes and non-ASCII text included.
    @Test func corporaRowsRoundTripFromTheWriter() throws {
        let dir = try makeTemporaryDirectory("corpora-roundtrip")
        let tricky = "he said \"no\" \\ déjà vu\tend"
        try write(SST2Row(sentence: tricky, label: 0, idx: 7).jsonLine + SST2Row(sentence: "ok", label: 1, idx: 8).jsonLine, to: dir + "/sst2.jsonl")
        #expect(try readSST2(dir + "/sst2.jsonl") == [SentimentRow(sentence: tricky, label: 0), SentimentRow(sentence: "ok", label: 1)])
        try write(MRPCRow(sentence1: tricky, sentence2: "b", label: 1, idx: 3).jsonLine, to: dir + "/mrpc.jsonl")
        #expect(try readMRPC(dir + "/mrpc.jsonl") == [ParaphraseRow(sentence1: tricky, sentence2: "b", label: 1)])
        try write(LambadaRow(text: tricky).jsonLine, to: dir + "/lambada.jsonl")
        #expect(try readLAMBADA(dir + "/lambada.jsonl") == [tricky])
    }

    @Test func textLinesSplitOnLineFeeds() {
        #expect(textLines(Array("a\nb\r\n\n".utf8)) == ["a", "b", ""])
        #expect(textLines([]) == [])
        #expect(textLines(Array("x".utf8)) == ["x"])
    }
}
