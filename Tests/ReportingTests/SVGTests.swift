// Tests for the SVG builder: number formatting, colours, ticks, and an XML well-formedness
// helper (Foundation's XMLParser) that the figure tests share.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reporting

/// Parses `text` as XML; returns the parser error (nil when well-formed) and the element names seen.
func parseXML(_ text: String) -> (error: String?, elements: [String]) {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) { elements.append(name) }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let collector = Collector()
    parser.delegate = collector
    let ok = parser.parse()
    return (ok ? nil : (parser.parserError.map { "\($0)" } ?? "unknown XML error"), collector.elements)
}

@Suite struct SVGTests {
    @Test func numbers() {
        #expect(svgNumber(12) == "12")
        #expect(svgNumber(12.5) == "12.5")
        #expect(svgNumber(-0.25) == "-0.25")
        #expect(svgNumber(1.0 / 3) == "0.33")
        #expect(svgNumber(-0.001) == "0")
    }

    @Test func hexColour() {
        #expect(RGB(0, 114, 178).hex == "#0072b2")
        #expect(RGB(255, 255, 255).hex == "#ffffff")
    }

    @Test func ticks() {
        let unit = niceTicks(0, 1)
        #expect(unit.count == 6)
        #expect(zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(niceTicks(0.05, 0.95).count == 4)            // 0.2 … 0.8, inside the range only
        #expect(niceTicks(0, 100) == [0, 20, 40, 60, 80, 100])
        #expect(niceTicks(3, 3) == [3])
        #expect(niceTicks(-1, 1).contains(0))
        #expect(tickLabel(0.4, step: 0.2) == "0.4")
        #expect(tickLabel(40, step: 20) == "40")
    }

    @Test func documentIsWellFormedAndEscapesText() {
        var doc = SVGDocument(width: 10, height: 10)
        doc.text("a < b & \"c\"", x: 1, y: 2, rotate: -90)
        doc.rect(x: 0, y: 0, width: 5, height: 5, fill: RGB(1, 2, 3), stroke: RGB(4, 5, 6))
        let svg = doc.render()
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot;"))
        let parsed = parseXML(svg)
        #expect(parsed.error == nil)
        #expect(parsed.elements == ["svg", "text", "rect"])
    }
}
