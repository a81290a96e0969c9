// Compiled-model inputs: the translator against a tiny greedy tokenizer (mapping, filler, the
// fixed question as filler, the answer anchor moved onto the lone space, the int-sum fix and
// the paper's bug, clear errors) and against the real SmolLM2 tokenizer with the task surgeries.
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
    @Test func sumMapsPlusAndEqualsAndMovesTheAnchor() throws {
        let tr = try TokenTranslator(task: .sum, tokenizer: tinySum)
        let c = try tr.compiledInput(for: IntSum.example(21, 39), tokenizer: tinySum)
        // " =" becomes " " and the lone space after it "=": final_result's first digit sits
        // where the LM predicts "6".
        #expect(c.compiledTokens == ["bos", "2", "1", "+", " ", "3", "9", " ", "=", "6", "0"])
        // The lone space is given with the prompt: the answer is the digits "6", "0".
        #expect(c.lmToCompiled == Array(1...10) && c.lmTokens.count == 10 && c.promptTokens == 8)
        let bug = try TokenTranslator(task: .sum, tokenizer: tinySum, paperSumBug: true)
        #expect(try bug.compiledInput(for: IntSum.example(21, 39), tokenizer: tinySum).compiledTokens
                == ["bos", "2", "1", "+", "+", "3", "9", "+", "+", "6", "0"])
        // Without a lone space after the anchor (GPT-2's " 6"), the anchor stays put.
        let gpt2Like = TinyTokenizer(vocab: (0..<10).map(String.init) + [" +", " =", " 6", " ", "+", "="])
        let g = try TokenTranslator(task: .sum, tokenizer: gpt2Like).compiledInput(for: IntSum.example(2, 4), tokenizer: gpt2Like)
        #expect(g.compiledTokens == ["bos", "2", "+", " ", "4", "=", "6"])
    }

    @Test func fixedQuestionMapsToTheFiller() throws {
        let t = TinyTokenizer(vocab: ["(", ")", "[", "]", "{", "}", ":", " ", "Answer", "\n", "x", " x", " y", " yes", " no"] + (0..<10).map(String.init))
        let d = try TokenTranslator(task: .dyck, tokenizer: t)
        let e = try d.compiledInput(for: Dyck.example("[(])"), tokenizer: t)
        #expect(Array(e.compiledTokens.suffix(9)) == [" ", "[", "(", "]", ")", " ", " ", "compute", " "])
        #expect(e.promptTokens == e.lmTokens.count - 1)
        let c = try TokenTranslator(task: .count, tokenizer: t)
        let k = try c.compiledInput(for: Count.example(["x", "y", "x"]), tokenizer: t)
        // The question's 'x' (a token of its own here, as in SmolLM2) is filler, not "yes".
        #expect(k.compiledTokens.filter { $0 == "yes" }.count == 2)
        #expect(Array(k.compiledTokens.suffix(8)) == ["yes", "no", "yes", "no", "no", "no", "count", "2"])
        #expect(k.compiledTokens.dropFirst().dropLast(8).allSatisfy { $0 == "no" })
    }

    @Test func questionThatIsNotATokenPrefixIsNamed() throws {
        // "? [" is one token, so the question alone ("…matched?") does not tokenize as a prefix.
        let t = TinyTokenizer(vocab: ["(", ")", "[", "]", "{", "}", ":", " ", "? ["])
        let d = try TokenTranslator(task: .dyck, tokenizer: t)
        #expect { try d.compiledInput(for: Dyck.example("[]"), tokenizer: t) } throws: {
            "\($0)".contains("\"Are parenthesis here correctly matched?\"")
        }
    }

    @Test func promptThatIsNotATokenPrefixIsNamed() throws {
        let t = TinyTokenizer(vocab: ["(", ")", "[", "]", "{", "}", ":", " ", ": yes"])
        let d = try TokenTranslator(task: .dyck, tokenizer: t)
        #expect { try d.compiledInput(for: Dyck.example("()"), tokenizer: t) } throws: { "\($0)".contains("not a prefix") }
    }

    @Test func promptWithoutAnchorIsAnError() throws {
        let tr = try TokenTranslator(task: .sum, tokenizer: tinySum)
        #expect { try tr.compiledInput(for: Example(prompt: "1 + 2", label: "3"), tokenizer: tinySum) } throws: {
            "\($0)".contains("answer anchor \"=\"")
        }
    }

    @Test func tooLongTrainingExampleIsAnErrorAndOODGetsNone() throws {
        let tr = try TokenTranslator(task: .sum, tokenizer: tinySum)
        let long = IntSum.example("12345678", "1", "12345679")
        #expect(try compiledInputThatFits(IntSum.example(1, 2), set: "train", translator: tr, tokenizer: tinySum) != nil)
        #expect(try compiledInputThatFits(long, set: "ood/length_ood", translator: tr, tokenizer: tinySum) == nil)
        #expect { try compiledInputThatFits(long, set: "train", translator: tr, tokenizer: tinySum) } throws: {
            "\($0)".contains("max_seq_len 16") && "\($0)".contains("pipeline.json")
        }
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
        let dyck = try loadTaskTokenizer(model: "default", root: repositoryRoot, task: .dyck)
        let e = try TokenTranslator(task: .dyck, tokenizer: dyck).compiledInput(for: Dyck.example("[(])"), tokenizer: dyck)
        // ":" → compute, and the LM predicts the single answer token " yes" there ("[(])" is shuffle-balanced).
        #expect(Array(e.compiledTokens.suffix(8)) == ["[", "(", "]", ")", " ", " ", "compute", " "])
        #expect(e.lmTokens[e.promptTokens...].map { dyck.decode($0) } == [" yes"] && e.compiledTokens[e.promptTokens] == "compute")
        #expect(e.compiledTokens.first == "bos" && e.lmTokens.count + 1 == e.compiledTokens.count)

        let sum = try loadTaskTokenizer(model: "default", root: repositoryRoot, task: .sum)
        let s = try TokenTranslator(task: .sum, tokenizer: sum).compiledInput(for: IntSum.example(213, 391), tokenizer: sum)
        #expect(s.lmTokens.map { sum.decode($0) } == ["2", "1", "3", " +", " ", "3", "9", "1", " =", " ", "6", "0", "4"])
        #expect(s.compiledTokens == ["bos", "2", "1", "3", "+", " ", "3", "9", "1", " ", "=", "6", "0", "4"] && s.promptTokens == 10)
        #expect(s.lmTokens[s.promptTokens...].map { sum.decode($0) } == ["6", "0", "4"])

        let count = try loadTaskTokenizer(model: "default", root: repositoryRoot, task: .count)
        let k = try TokenTranslator(task: .count, tokenizer: count).compiledInput(for: Count.example(["x", "y", "x"]), tokenizer: count)
        #expect(k.lmTokens[k.promptTokens...].map { count.decode($0) } == ["2"] && k.compiledTokens[k.promptTokens] == "count")
        #expect(Array(k.compiledTokens.suffix(4)) == ["no", "no", "count", "2"] && k.compiledTokens.filter { $0 == "yes" }.count == 2)
    }
}
