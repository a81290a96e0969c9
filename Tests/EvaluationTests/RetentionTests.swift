// SST-2 / MRPC prompts byte for byte (METHOD §5.3–5.4), label-token classification against the
// logits of a plain forward, and LAMBADA's context/target split.
import Testing
import LM
import Tasks
@testable import Evaluation

@Suite struct RetentionTests {
    @Test func sst2PromptIsThePapersTwoShotFormat() {
        let h = "What is the sentiment in this review? The answer should be one word: either positive or negative."
        let expected = h + "\n\nReview: the movie was absolutely incredible.\n\nAnswer: positive\n\n" + h
            + "\n\nReview: this was a shameful waste of time.\n\nAnswer: negative\n\n" + h + "\n\nReview: a fine film .\n\nAnswer:"
        #expect(TwoShotPrompts.sst2("a fine film .") == expected)
    }

    @Test func mrpcPromptIsThePapersTwoShotFormat() {
        let p = TwoShotPrompts.mrpc("A b.", "C d.")
        #expect(p.hasPrefix("Determine whether the following two sentences are paraphrases (i.e., have the same meaning). Answer in one word: yes or no.\n\nSentence 1: The company reported strong earnings this quarter.\nSentence 2: The business announced impressive profits for the quarter.\nAnswer: yes\n\nSentence 1: I love to read science fiction novels.\nSentence 2: I prefer watching documentaries over reading books.\nAnswer: no\n\n"))
        #expect(p.hasSuffix("\n\nSentence 1: A b.\nSentence 2: C d.\nAnswer:"))
    }

    @Test func labelTokensAreTheFirstTokensOfTheLabelTexts() throws {
        let t = try LabelTokens(positive: "ab", negative: "cd", tokenizer: CharTokenizer())
        #expect(t == LabelTokens(positive: CharTokenizer().encode("a")[0], negative: CharTokenizer().encode("c")[0]))
        #expect(throws: EvaluationInputError.self) { try LabelTokens(positive: "ab", negative: "ac", tokenizer: CharTokenizer()) }
    }

    @Test func classificationComparesTwoLogitsAtTheLastPosition() throws {
        let m = try Tiny.model(scale: 3)
        let prompts = (0..<9).map { Tiny.tokens(1 + $0 % 5, seed: UInt64(70 + $0)) }
        let tokens = LabelTokens(positive: 4, negative: 11)
        var predicted: [Int] = []
        for p in prompts {
            let out = try m.forward(p, batch: 1, seq: p.count)
            let last = out.logits + (p.count - 1) * 32
            predicted.append(last[4] > last[11] ? 1 : 0)
        }
        #expect(Set(predicted).count == 2, "degenerate test: one class only")
        let gold = predicted.enumerated().map { $0.offset < 3 ? 1 - $0.element : $0.element }   // 3 wrong on purpose
        let acc = try classify(m, prompts: prompts, labels: gold, tokens: tokens, shape: BatchShape(rows: 4, tokens: 64), pad: 0)
        #expect(acc == Accuracy(correct: 6, total: 9))
    }

    @Test func lambadaPredictsTheLastToken() throws {
        let cases = try lambadaCases(["abcd"], tokenizer: CharTokenizer())
        let t = CharTokenizer().encode("abcd").map(Int32.init)
        #expect(cases == [AnswerCase(prompt: Array(t.prefix(3)), answer: [t[3]])])
        #expect(throws: EvaluationInputError.self) { try lambadaCases(["a"], tokenizer: CharTokenizer()) }
        let m = try Tiny.model()
        let own = try m.generateGreedy(prompt: [5, 6, 7], maxNewTokens: 1)
        let acc = try lambadaAccuracy(m, [AnswerCase(prompt: [5, 6, 7], answer: own), AnswerCase(prompt: [5, 6, 7], answer: [(own[0] + 1) % 32])], pad: 0)
        #expect(acc == Accuracy(correct: 1, total: 2))
    }

    @Test func realLabelTokensAreSingleWordTokens() throws {
        let bpe = try loadTokenizer(model: "default", root: repoRoot)
        let plain = PlainTokenizer(bpe: bpe)
        for (a, b) in [(" positive", " negative"), (" yes", " no")] {
            let t = try LabelTokens(positive: a, negative: b, tokenizer: plain)
            #expect(plain.encode(a) == [t.positive] && plain.encode(b) == [t.negative])
        }
    }
}
