// Layer allocation: longest-path depths, tracr's merge of an attention-only depth with a
// following MLP-only depth, and SelectorWidth's attention + MLP pair.
import Testing
@testable import Compiler
@testable import RASP

func layerShape(_ source: String) throws -> [String] {
    let m = try compile(source: source, file: "l.rasp", vocab: ["a", "b"], maxSeqLen: 4)
    return m.layers.map { "\($0.heads.count)h/\($0.mlpHidden > 0 ? "mlp" : "-")" }
}

@Suite struct LayersTests {
    @Test func attentionThenMLPShareALayer() throws {
        // Aggregate (depth 1, attention only), then a Map (depth 2, MLP only): merged.
        #expect(try layerShape("x = Aggregate(Select(indices, indices, EQ), tokens)\noutput Map(t -> t == \"a\", x)") == ["1h/mlp"])
    }

    @Test func mlpFirstLeavesAttentionEmpty() throws {
        // Map (depth 1, MLP), then an Aggregate keyed on it (depth 2): two layers.
        #expect(try layerShape("k = Map(t -> t == \"a\", tokens)\noutput Aggregate(Select(k, k, EQ), tokens)") == ["0h/mlp", "1h/-"])
    }

    @Test func selectorWidthIsAPair() throws {
        #expect(try layerShape("output SelectorWidth(Select(tokens, tokens, EQ))") == ["1h/mlp"])
        #expect(try layerShape("w = SelectorWidth(Select(tokens, tokens, EQ))\noutput SelectorWidth(Select(w, w, EQ))") == ["1h/mlp", "1h/mlp"])
    }

    @Test func parallelBranchesShareLayers() throws {
        let src = """
        a = Map(t -> t == "a", tokens)
        b = Map(t -> t == "b", tokens)
        output SequenceMap((x, y) -> x and y, a, b)
        """
        #expect(try layerShape(src) == ["0h/mlp", "0h/mlp"])
    }
}
