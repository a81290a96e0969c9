// The decode figures of one example: six files (raw / adapted heat maps and the decoded table,
// SVG and PNG), the table shaded by agreement with the compiled model, token labels shown,
// and the PNGs labelled too.
import Testing
import Reporting
@testable import Decoding

@Suite struct DecodeFiguresTests {
    @Test func colourScaleIgnoresTheFewHugeDimensions() {
        let values = (0..<1000).map { Float($0 % 10) / 10 } + [700, -650]
        #expect(clippedScale(values) == .diverging(limit: Double(Float(0.9))))
        #expect(clippedScale([0, 0]) == .diverging(limit: 1))
    }

    @Test func sixFilesWithAgreementShading() throws {
        let e = DecodedExample(prompt: "p", tokens: ["(", "\n", ":"], layer: 1, variables: ["x"],
                               table: [["1"], ["2"], ["3"]], truth: [["1"], ["0"], ["3"]])
        let files = try decodeFigures(index: 0, example: e, raw: pseudoRandom(3 * 4, seed: 1, scale: 1), lmWidth: 4,
                                      adapted: pseudoRandom(3 * 2, seed: 2, scale: 1), compiledWidth: 2, task: "dyck", method: "injection")
        #expect(files.map(\.name) == ["example-0-raw.svg", "example-0-raw.png", "example-0-adapted.svg", "example-0-adapted.png",
                                      "example-0-table.svg", "example-0-table.png"])
        let table = String(decoding: files[4].bytes, as: UTF8.self)
        #expect(table.contains("⏎"))                        // the newline token is shown
        #expect(table.contains("rgb(199,233,192)") || table.contains("#c7e9c0"))
        #expect(String(decoding: files[0].bytes, as: UTF8.self).contains("99th percentile"))
        #expect(files.filter { $0.name.hasSuffix("png") }.allSatisfy { Array($0.bytes.prefix(8)) == pngSignature })
        // The PNGs carry text: black pixels (the labels' colour, used by nothing else in these figures) in the title band.
        for png in files.filter({ $0.name.hasSuffix("png") }) {
            let chunks = try readPNGChunks(png.bytes), header = chunks[0].data
            let width = Int(header[2]) << 8 | Int(header[3])
            let rows = try inflateZlib(chunks[1].data), stride = 1 + 3 * width      // filter byte + RGB per pixel
            var black = 0
            for y in 0..<24 {
                for x in 0..<width where rows[y * stride + 1 + 3 * x ..< y * stride + 4 + 3 * x].allSatisfy({ $0 == 0 }) { black += 1 }
            }
            #expect(black > 50, "\(png.name): no title text")
        }
    }
}
