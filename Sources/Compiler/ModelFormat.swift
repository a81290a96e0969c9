// The compiled model as a file: named dense Float32 tensors plus one canonical JSON object
// (format "graft-compiled-model", version 1) describing the vocabulary, settings, residual
// labels, variables, layer structure and the program's source. The executable stores both in
// a safetensors file (tensors + `__metadata__`); docs/rasp.md lists the names and shapes.
import Craft
import JSONText
import RASP

public let compiledModelFormat = "graft-compiled-model"
public let compiledModelVersion = 1

public struct NamedTensor: Sendable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]
}

extension CompiledModel {
    public func tensors() -> [NamedTensor] {
        let d = width, k = keySize
        var out = [NamedTensor(name: "embed.tokens", shape: [tokens.count, d], values: tokenEmbedding.values),
                   NamedTensor(name: "embed.positions", shape: [maxSeqLen + 1, d], values: positionEmbedding.values)]
        for (i, l) in layers.enumerated() {
            if !l.heads.isEmpty {
                let h = l.heads.count
                out.append(NamedTensor(name: "layers.\(i).attn.wq", shape: [h, d, k], values: l.heads.flatMap(\.wq.values)))
                out.append(NamedTensor(name: "layers.\(i).attn.wk", shape: [h, d, k], values: l.heads.flatMap(\.wk.values)))
                out.append(NamedTensor(name: "layers.\(i).attn.wv", shape: [h, d, k], values: l.heads.flatMap(\.wv.values)))
                out.append(NamedTensor(name: "layers.\(i).attn.wo", shape: [h, k, d], values: l.heads.flatMap(\.wo.values)))
            }
            if let w1 = l.w1, let w2 = l.w2 {
                out.append(NamedTensor(name: "layers.\(i).mlp.w1", shape: [d, w1.columns], values: w1.values))
                out.append(NamedTensor(name: "layers.\(i).mlp.w2", shape: [w2.rows, d], values: w2.values))
            }
        }
        var unembed = Matrix(rows: d, columns: output.dims.count)
        for (j, r) in output.dims.enumerated() { unembed[r, j] = 1 }
        out.append(NamedTensor(name: "unembed", shape: [d, output.dims.count], values: unembed.values))
        return out
    }

    public var metadata: JSONValue {
        .object([
            "format": .string(compiledModelFormat), "version": JSONValue(compiledModelVersion),
            "vocab": .array(vocab.map { JSONValue(rasp: $0) }), "token_type": .string(tokenType),
            "bos": .string(bos), "pad": .string(pad), "max_seq_len": JSONValue(maxSeqLen), "causal": .bool(causal),
            "mlp_exactness": .double(mlpExactness), "key_size": JSONValue(keySize), "attention_scale": .double(Double(attentionScale)),
            "residual_width": JSONValue(width), "residual_labels": .array(residualLabels.map { .string($0) }),
            "tokens": .array(tokens.map { JSONValue(rasp: $0) }),
            "layers": .array(layers.map { .object(["heads": JSONValue($0.heads.count), "mlp_hidden": JSONValue($0.mlpHidden)]) }),
            "output": .object(["label": .string(outputLabel), "encoding": .string(outputEncoding.rawValue)]),
            "variables": .array(variables.map { v in
                .object(["label": .string(v.label), "encoding": .string(v.encoding.rawValue), "dims": .array(v.dims.map { JSONValue($0) }),
                         "values": .array(v.values.map { JSONValue(rasp: $0) })])
            }),
            "program": .object(["file": .string(programFile), "source": .string(programSource)]),
        ])
    }

    /// The metadata as the model file stores it: canonical, with doubles kept apart from
    /// integers (RASP's 1.0 is not 1).
    public func metadataText() throws -> String {
        try CanonicalJSON.string(metadata, doubles: .keepingKind)
    }

    /// Rebuilds a model from its metadata and a tensor reader (name, expected count → values).
    public init(metadata m: JSONValue, tensor: (String, Int) throws -> [Float]) throws {
        func need<T>(_ v: T?, _ key: String) throws -> T {
            guard let v else { throw CompileError("compiled model metadata lacks '\(key)' (rebuild the file with compile-rasp build)") }
            return v
        }
        func int(_ v: JSONValue?, _ key: String) throws -> Int { Int(try need(v?.intValue, key)) }
        guard m["format"]?.stringValue == compiledModelFormat else {
            throw CompileError("not a \(compiledModelFormat) file (format is \(m["format"].map(describe) ?? "missing"))")
        }
        guard m["version"]?.intValue == Int64(compiledModelVersion) else {
            throw CompileError("compiled model version \(m["version"].map(describe) ?? "?") is not \(compiledModelVersion); rebuild it with compile-rasp build")
        }
        vocab = try need(m["vocab"]?.arrayValue, "vocab").compactMap(\.raspValue)
        tokenType = try need(m["token_type"]?.stringValue, "token_type")
        bos = try need(m["bos"]?.stringValue, "bos")
        pad = try need(m["pad"]?.stringValue, "pad")
        maxSeqLen = try int(m["max_seq_len"], "max_seq_len")
        causal = try need(m["causal"]?.boolValue, "causal")
        mlpExactness = try need(m["mlp_exactness"]?.doubleValue, "mlp_exactness")
        keySize = try int(m["key_size"], "key_size")
        tokens = try need(m["tokens"]?.arrayValue, "tokens").compactMap(\.raspValue)
        let labels = try need(m["residual_labels"]?.arrayValue, "residual_labels")
        let vars = try need(m["variables"]?.arrayValue, "variables")
        variables = try vars.map { v in
            ResidualVariable(label: try need(v["label"]?.stringValue, "variables.label"),
                             encoding: Encoding(rawValue: try need(v["encoding"]?.stringValue, "variables.encoding")) ?? .categorical,
                             dims: try need(v["dims"]?.arrayValue, "variables.dims").compactMap { $0.intValue.map(Int.init) },
                             values: try need(v["values"]?.arrayValue, "variables.values").map(\.raspValue))
        }
        var dirs: [Direction] = Array(repeating: Direction(""), count: labels.count)
        for v in variables { for (d, x) in zip(v.dims, v.values) where d < dirs.count { dirs[d] = Direction(v.label, x) } }
        residual = dirs
        outputLabel = try need(m["output"]?["label"]?.stringValue, "output.label")
        outputEncoding = Encoding(rawValue: try need(m["output"]?["encoding"]?.stringValue, "output.encoding")) ?? .categorical
        programFile = try need(m["program"]?["file"]?.stringValue, "program.file")
        programSource = try need(m["program"]?["source"]?.stringValue, "program.source")
        let d = labels.count, k = keySize
        func matrix(_ name: String, _ rows: Int, _ cols: Int) throws -> Matrix {
            var x = Matrix(rows: rows, columns: cols)
            x.values = try tensor(name, rows * cols)
            return x
        }
        tokenEmbedding = try matrix("embed.tokens", tokens.count, d)
        positionEmbedding = try matrix("embed.positions", maxSeqLen + 1, d)
        var ls: [CompiledLayer] = []
        for (i, l) in try need(m["layers"]?.arrayValue, "layers").enumerated() {
            let h = try int(l["heads"], "layers.heads"), hidden = try int(l["mlp_hidden"], "layers.mlp_hidden")
            var heads: [CompiledHead] = []
            if h > 0 {
                let q = try tensor("layers.\(i).attn.wq", h * d * k), kk = try tensor("layers.\(i).attn.wk", h * d * k)
                let v = try tensor("layers.\(i).attn.wv", h * d * k), o = try tensor("layers.\(i).attn.wo", h * k * d)
                for j in 0..<h {
                    func slice(_ a: [Float], _ r: Int, _ c: Int) -> Matrix {
                        var x = Matrix(rows: r, columns: c)
                        x.values = Array(a[(j * r * c)..<((j + 1) * r * c)])
                        return x
                    }
                    heads.append(CompiledHead(wq: slice(q, d, k), wk: slice(kk, d, k), wv: slice(v, d, k), wo: slice(o, k, d)))
                }
            }
            var layer = CompiledLayer(heads: heads, w1: nil, w2: nil)
            if hidden > 0 {
                layer.w1 = try matrix("layers.\(i).mlp.w1", d, hidden)
                layer.w2 = try matrix("layers.\(i).mlp.w2", hidden, d)
            }
            ls.append(layer)
        }
        layers = ls
    }
}

/// A metadata value as its JSON text, for error messages.
private func describe(_ v: JSONValue) -> String {
    (try? CanonicalJSON.string(v, doubles: .keepingKind)) ?? v.kindName
}
