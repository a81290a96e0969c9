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
        // The PNGs are their SVGs at 2 pixels a unit and carry text: dark pixels (the labels are
        // black; nothing else in these figures is that dark) in the title band, y < 24 units.
        for (svgFile, png) in zip(files.filter { $0.name.hasSuffix("svg") }, files.filter { $0.name.hasSuffix("png") }) {
            let image = try readPNG(png.bytes)
            let size = svgSize(String(decoding: svgFile.bytes, as: UTF8.self))
            #expect(image.width == Int((2 * size.width).rounded(.up)) && image.height == Int((2 * size.height).rounded(.up)), "\(png.name)")
            var dark = 0
            for y in 0..<48 {
                for x in 0..<image.width {
                    let p = image.pixel(x, y)
                    if max(p.r, p.g, p.b) < 64 { dark += 1 }
                }
            }
            #expect(dark > 100, "\(png.name): no title text")
        }
    }
}

/// The width and height attributes of an SVG's root element.
func svgSize(_ svg: String) -> (width: Double, height: Double) {
    func attribute(_ name: String) -> Double {
        let start = svg.range(of: " \(name)=\"")!.upperBound
        return Double(svg[start...].prefix { $0 != "\"" })!
    }
    return (attribute("width"), attribute("height"))
}
