// Self-describing payloads: JSON documents and JSON Lines carry format and version; detection.
import SafeTensors
import Testing
@testable import Artifacts

@Suite struct FormatsTests {
    @Test func jsonLinesRoundTripWithHeader() throws {
        var w = try JSONLWriter(format: "graft-examples", version: 2, header: ["task": "dyck"])
        try w.append(["input": "(()", "label": 1])
        try w.append(["input": ")(", "label": 0])
        let r = try JSONLReader(w.bytes, format: "graft-examples", version: 2, source: "x.jsonl")
        #expect(r.header["task"] == "dyck")
        #expect(r.records.count == 2 && r.records[1]["label"] == 0)
        #expect(throws: StoreError.self) { try JSONLReader(w.bytes, format: "graft-examples", version: 3, source: "x") }
        var bad = w.bytes
        bad.append(contentsOf: Array("{oops\n".utf8))
        #expect { try JSONLReader(bad, format: "graft-examples", version: 2, source: "x.jsonl") } throws: {
            "\($0)".contains("x.jsonl:4")
        }
    }

    @Test func documentsCarryFormatAndVersion() throws {
        let bytes = try jsonDocument(format: "graft-metrics", version: 1, ["acc": 0.5])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"acc":0.5,"format":"graft-metrics","version":1}"#)
        #expect(try readJSONDocument(bytes, format: "graft-metrics", version: 1, source: "m")["acc"] == 0.5)
        #expect { try readJSONDocument(bytes, format: "graft-other", version: 1, source: "m.json") } throws: {
            "\($0)".contains("m.json: format is graft-metrics")
        }
    }

    @Test func detectsKinds() throws {
        var st = SafeTensorsWriter(metadata: ["format": "graft-compiled-model", "version": "1"])
        try st.add("w", shape: [2], floats: [1, 2])
        #expect(PayloadKind.detect(st.encode()) == .tensorBundle(format: "graft-compiled-model", version: "1", tensors: 1))
        #expect(PayloadKind.detect(try jsonDocument(format: "f", version: 1, [:])) == .json(format: "f", version: 1))
        #expect(PayloadKind.detect(Array("{\"format\":\"e\",\"version\":1}\n{}\n".utf8)) == .jsonLines(format: "e", version: 1))
        #expect(PayloadKind.detect(Array("hello".utf8)) == .text)
        #expect(PayloadKind.detect([0x89, 0x50, 0x4E, 0x47, 0, 0]) == .png)
        #expect(PayloadKind.detect([0xFF, 0xFE, 0x00, 0x80]) == .binary)
    }
}
