// Compiled-model inputs: the translator against a tiny greedy tokenizer (mapping, filler,
// positions, the int-sum fix and the paper's bug, a clear error for a non-single-token string)
// and against the real SmolLM2 tokenizer with the task surgeries.
import Foundation
import Testing
@testable import Tasks

/// Greedy longest-match tokenizer over a hand-made vocabulary; an unknown character becomes two ids.
struct TinyTokenizer: TextTokenizer {
    let vocab: [String]
    func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if let (i, v) = vocab.enumerated().filter({ rest.hasPrefix($0.element) }).max(by: { $0.element.count < $1.element.count }) {
                ids.append(i); rest = rest.dropFirst(v.count)
            } else {
                ids += [1000, 1001 + Int(rest.unicodeScalars.first!.value)]; rest = rest.dropFirst()
            }
        }
        return ids
    }
    func decode(_ id: Int) -> String { id < vocab.count ? vocab[id] : "?" }
}

let tinySum = TinyTokenizer(vocab: (0..<10).map(String.init) + [" ", " +", " =", "+", "="])

@Suite struct AlignmentTests {
    @Test func sumMapsPlusAndEquals() throws {
        let tr = try TokenTranslator(task: .sum, tokenizer: tinySum)
        let c = tr.compiledInput(for: "21 + 39 = 60", tokenizer: tinySum)
        #expect(c.compiledTokens == ["bos", "2", "1", "+", " ", "3", "9", "=", " ", "6", "0"])
        #expect(c.lmToCompiled == Array(1...10) && c.lmTokens.count == 10)
        let bug = try TokenTranslator(task: .sum, tokenizer: tinySum, paperSumBug: true)
        #expect(bug.compiledInput(for: "21 + 39 = 60", tokenizer: tinySum).compiledTokens
                == ["bos", "2", "1", "+", "+", "3", "9", "+", "+", "6", "0"])
    }

    @Test func dyckAndCountFillers() throws {
        let t = TinyTokenizer(vocab: ["(", ")", "[", "]", "{", "}", ":", " ", "Answer", "\n", "x", " x", " y", " yes"] + (0..<10).map(String.init))
        let d = try TokenTranslator(task: .dyck, tokenizer: t)
        #expect(d.compiledInput(for: " [(])\nAnswer: yes", tokenizer: t).compiledTokens
                == ["bos", " ", "[", "(", "]", ")", " ", " ", "compute", " "])
        let c = try TokenTranslator(task: .count, tokenizer: t)
        #expect(c.compiledInput(for: " x y x\nAnswer: 2", tokenizer: t).compiledTokens
                == ["bos", "yes", "no", "yes", "no", "no", "count", "no", "2"])
    }

    @Test func missingImportantStringIsNamed() {
        let t = TinyTokenizer(vocab: ["(", ")", "[", "]", "{", "}", " "])
        do {
            _ = try TokenTranslator(task: .dyck, tokenizer: t)
            Issue.record("expected an error")
        } catch let e as AlignmentError {
            #expect(e.description.contains("\":\""))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test func realTokenizerWithSurgery() throws {
        let root = packagesDir + "/../.."
        let dyck = try loadTaskTokenizer(model: "default", root: root, task: .dyck)
        let tr = try TokenTranslator(task: .dyck, tokenizer: dyck)
        let e = Dyck.example("[(])")
        let c = tr.compiledInput(for: e.prompt, tokenizer: dyck)
        #expect(Array(c.compiledTokens.suffix(7)) == ["[", "(", "]", ")", " ", " ", "compute"])
        #expect(c.compiledTokens.first == "bos" && c.lmTokens.count + 1 == c.compiledTokens.count)
        let sum = try loadTaskTokenizer(model: "default", root: root, task: .sum)
        let ts = try TokenTranslator(task: .sum, tokenizer: sum)
        let s = ts.compiledInput(for: IntSum.example(213, 391).text, tokenizer: sum)
        #expect(s.compiledTokens.filter { $0 != " " } == ["bos", "2", "1", "3", "+", "3", "9", "1", "=", "6", "0", "4"])
        #expect(s.compiledTokens.count <= compiledMaxLength(.sum) + 1)
        let count = try loadTaskTokenizer(model: "default", root: root, task: .count)
        let tc = try TokenTranslator(task: .count, tokenizer: count)
        let k = tc.compiledInput(for: Count.example(["x", "y", "x"]).prompt, tokenizer: count)
        #expect(k.compiledTokens.last == "count" && k.compiledTokens.filter { $0 == "yes" }.count >= 2)
    }
}
