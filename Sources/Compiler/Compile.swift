// The compiler's entry point: parse → graph → value sets → craft blocks → layers → assemble,
// in the order of tracr's compiling.py.
import RASP
import Craft

/// The longest input graft compiles for (the value-set limit: `indices` takes one value per position).
public let maxSeqLenLimit = 10_000

/// Compiles a .rasp source. `vocab` items are strings (or integers with `token_type int`).
public func compile(source: String, file: String, vocab: [String], maxSeqLen: Int, causal: Bool = false,
                    bos: String = "bos", pad: String = "pad", mlpExactness: Double = 100) throws -> CompiledModel {
    guard maxSeqLen >= 1 else { throw CompileError("max_seq_len must be at least 1, got \(maxSeqLen)") }
    guard maxSeqLen <= maxSeqLenLimit else {
        throw CompileError("max_seq_len \(maxSeqLen) is above the limit of \(maxSeqLenLimit): every position is a residual dimension of `indices` and a row of every attention pattern; the paper's programs use at most 120")
    }
    guard !vocab.isEmpty else { throw CompileError("the vocabulary is empty") }
    guard Set(vocab).count == vocab.count else { throw CompileError("the vocabulary repeats an item") }
    guard !vocab.contains(bos), !vocab.contains(pad), bos != pad else {
        throw CompileError("BOS '\(bos)' and PAD '\(pad)' must differ from each other and from every vocabulary item")
    }
    guard mlpExactness > 0 else { throw CompileError("mlp_exactness must be positive, got \(mlpExactness)") }
    let parsed = try parseProgram(source: source, file: file, vocab: vocab, maxSeqLen: maxSeqLen)
    let options = CompileOptions(vocab: try vocabValues(vocab, tokenType: parsed.tokenType, file: file), maxSeqLen: maxSeqLen,
                                 causal: causal, bos: bos, pad: pad, mlpExactness: mlpExactness)
    return try compile(parsed.program, options, tokenType: parsed.tokenType, file: file, source: source)
}

/// Compiles a program already built in Swift.
public func compile(_ program: Program, _ options: CompileOptions, tokenType: String = "string",
                    file: String = "", source: String = "") throws(CompileError) -> CompiledModel {
    let graph = try buildGraph(program)
    let valueSets = try inferValueSets(graph, options)
    let blocks = try buildBlocks(graph, valueSets, options)
    let layers = allocateLayers(graph, blocks)
    return assemble(graph, valueSets, layers, options, tokenType: tokenType, file: file, source: source)
}

/// Splits a comma-separated vocabulary ("a,b,c"); a backslash takes the next character as is
/// (`a,\,,b` is a , b). Empty items are an error.
public func splitVocabulary(_ s: String) throws(CompileError) -> [String] {
    var items: [String] = []
    var current = ""
    var escaped = false
    for c in s {
        if escaped { current.append(c); escaped = false; continue }
        if c == "\\" { escaped = true; continue }
        if c == "," { items.append(current); current = ""; continue }
        current.append(c)
    }
    if escaped { throw CompileError("vocabulary '\(s)' ends with a lone backslash") }
    items.append(current)
    if let i = items.firstIndex(of: "") {
        throw CompileError("vocabulary item \(i + 1) of '\(s)' is empty (write \\, for a comma token)")
    }
    return items
}
