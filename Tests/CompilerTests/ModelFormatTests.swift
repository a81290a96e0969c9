// The model file's contents: tensor names and shapes, metadata round trip, and a rebuilt
// model computing the same outputs as the original.
import Testing
@testable import Compiler
import JSONText
@testable import RASP

@Suite struct ModelFormatTests {
    @Test func roundTrip() throws {
        let m = try compileFile("lib/sort_freq.rasp", vocab: ["a", "b", "c"], maxSeqLen: 5, causal: true)
        let tensors = Dictionary(uniqueKeysWithValues: m.tensors().map { ($0.name, $0) })
        #expect(tensors["embed.tokens"]?.shape == [5, m.width])
        #expect(tensors["embed.positions"]?.shape == [6, m.width])
        #expect(tensors["unembed"]?.shape == [m.width, 3])
        let text = try m.metadataText()
        let again = try CompiledModel(metadata: try parseJSON(text)) { name, count in
            let t = try #require(tensors[name])
            #expect(t.values.count == count)
            return t.values
        }
        #expect(again.residualLabels == m.residualLabels)
        #expect(try again.metadataText() == text)
        let input: [Value] = [.string("b"), .string("a"), .string("b")]
        #expect(try again.run(input) == (try m.run(input)))
    }

    @Test func labelsLookLikeTracr() throws {
        let m = try compileFile("shuffle_dyck.rasp", vocab: ["(", ")", "compute"], maxSeqLen: 4, causal: true)
        #expect(m.residualLabels.contains("one"))
        #expect(m.residualLabels.contains("tokens:bos"))
        #expect(m.residualLabels.contains("indices:3"))
        #expect(m.residualLabels.contains("final_result_1:True"))
        #expect(m.residualLabels.contains { $0.hasSuffix("_selector_width_attn_output") })
    }

    @Test func rejectsOtherFormats() {
        #expect(throws: (any Error).self) { try CompiledModel(metadata: .object(["format": .string("x")])) { _, _ in [] } }
    }
}
