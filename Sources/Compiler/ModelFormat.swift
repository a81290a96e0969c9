// The compiled model as a file: named dense Float32 tensors plus one canonical JSON object
// (format "graft-compiled-model", version 1) describing the vocabulary, settings, residual
// labels, variables, layer structure and the program's source. The executable stores both in
// a safetensors file (tensors + `__metadata__`); docs/rasp.md lists the names and shapes.
import RASP
import Craft

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

    public var metadata: JSON {
        .object([
            "format": .string(compiledModelFormat), "version": .int(compiledModelVersion),
            "vocab": .array(vocab.map { JSON($0) }), "token_type": .string(tokenType),
            "bos": .string(bos), "pad": .string(pad), "max_seq_len": .int(maxSeqLen), "causal": .bool(causal),
            "mlp_exactness": .float(mlpExactness), "key_size": .int(keySize), "attention_scale": .float(Double(attentionScale)),
            "residual_width": .int(width), "residual_labels": .array(residualLabels.map { .string($0) }),
            "tokens": .array(tokens.map { JSON($0) }),
            "layers": .array(layers.map { .object(["heads": .int($0.heads.count), "mlp_hidden": .int($0.mlpHidden)]) }),
            "output": .object(["label": .string(outputLabel), "encoding": .string(outputEncoding.rawValue)]),
            "variables": .array(variables.map { v in
                .object(["label": .string(v.label), "encoding": .string(v.encoding.rawValue), "dims": .array(v.dims.map { .int($0) }),
                         "values": .array(v.values.map { JSON($0) })])
            }),
            "program": .object(["file": .string(programFile), "source": .string(programSource)]),
        ])
    }

    /// Rebuilds a model from its metadata and a tensor reader (name, expected count → values).
    public init(metadata m: JSON, tensor: (String, Int) throws -> [Float]) throws {
        func need<T>(_ v: T?, _ key: String) throws -> T {
            guard let v else { throw CompileError("compiled model metadata lacks '\(key)' (rebuild the file with compile-rasp build)") }
            return v
        }
        guard m["format"]?.string == compiledModelFormat else { throw CompileError("not a \(compiledModelFormat) file (format is \(m["format"]?.text ?? "missing"))") }
        guard m["version"]?.int == compiledModelVersion else {
            throw CompileError("compiled model version \(m["version"]?.text ?? "?") is not \(compiledModelVersion); rebuild it with compile-rasp build")
        }
        vocab = try need(m["vocab"]?.array, "vocab").compactMap(\.value)
        tokenType = try need(m["token_type"]?.string, "token_type")
        bos = try need(m["bos"]?.string, "bos")
        pad = try need(m["pad"]?.string, "pad")
        maxSeqLen = try need(m["max_seq_len"]?.int, "max_seq_len")
        causal = try need(m["causal"]?.bool, "causal")
        mlpExactness = try need(m["mlp_exactness"]?.double, "mlp_exactness")
        keySize = try need(m["key_size"]?.int, "key_size")
        tokens = try need(m["tokens"]?.array, "tokens").compactMap(\.value)
        let labels = try need(m["residual_labels"]?.array, "residual_labels")
        let vars = try need(m["variables"]?.array, "variables")
        variables = try vars.map { v in
            ResidualVariable(label: try need(v["label"]?.string, "variables.label"),
                             encoding: Encoding(rawValue: try need(v["encoding"]?.string, "variables.encoding")) ?? .categorical,
                             dims: try need(v["dims"]?.array, "variables.dims").compactMap(\.int),
                             values: try need(v["values"]?.array, "variables.values").map(\.value))
        }
        var dirs: [Direction] = Array(repeating: Direction(""), count: labels.count)
        for v in variables { for (d, x) in zip(v.dims, v.values) where d < dirs.count { dirs[d] = Direction(v.label, x) } }
        residual = dirs
        outputLabel = try need(m["output"]?["label"]?.string, "output.label")
        outputEncoding = Encoding(rawValue: try need(m["output"]?["encoding"]?.string, "output.encoding")) ?? .categorical
        programFile = try need(m["program"]?["file"]?.string, "program.file")
        programSource = try need(m["program"]?["source"]?.string, "program.source")
        let d = labels.count, k = keySize
        func matrix(_ name: String, _ rows: Int, _ cols: Int) throws -> Matrix {
            var x = Matrix(rows: rows, columns: cols)
            x.values = try tensor(name, rows * cols)
            return x
        }
        tokenEmbedding = try matrix("embed.tokens", tokens.count, d)
        positionEmbedding = try matrix("embed.positions", maxSeqLen + 1, d)
        var ls: [CompiledLayer] = []
        for (i, l) in try need(m["layers"]?.array, "layers").enumerated() {
            let h = try need(l["heads"]?.int, "layers.heads"), hidden = try need(l["mlp_hidden"]?.int, "layers.mlp_hidden")
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
