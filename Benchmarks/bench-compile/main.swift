// bench-compile: wall time and peak memory of compiling each RASP program (paper programs at
// their real settings, lib programs at max_seq_len 10), the compiled model's forward time for
// one input of max length, and the RASP evaluator's time on the same input. Each program runs
// in a fresh child process so peak memory is its own. Release build only:
//   swift build -c release --product bench-compile && .build/release/bench-compile [PROGRAMS_DIR]
import Foundation
import Compiler
import RASP
import Support

struct Case {
    var file: String
    var vocab: [String]
    var maxSeqLen: Int
    var causal: Bool
    var exactness: Double = 100
}

let arguments = CommandLine.arguments
let only = arguments.firstIndex(of: "--one").map { Int(arguments[$0 + 1])! }
let root = arguments.count > 1 && !arguments[1].hasPrefix("--") ? arguments[1] : "stages/programs"
let countVocab = (0..<120).map(String.init) + ["yes", "no", "count"]
var cases = [
    Case(file: "shuffle_dyck.rasp", vocab: ["(", ")", "[", "]", "{", "}", " ", "compute"], maxSeqLen: 40, causal: true),
    Case(file: "count.rasp", vocab: countVocab, maxSeqLen: 120, causal: true, exactness: 10000),
    Case(file: "int_sum.rasp", vocab: (0..<10).map(String.init) + ["+", "=", " "], maxSeqLen: 16, causal: true),
]
for name in ["length", "reverse", "hist", "sort_unique", "sort", "sort_freq", "frac_prevs", "pair_balance", "shuffle_dyck", "shuffle_dyck2", "shift_by"] {
    let vocab: [String] = ["sort_unique", "sort", "sort_freq"].contains(name) ? ["1", "2", "3", "4"] : (name.contains("dyck") || name == "pair_balance" ? ["(", ")", "{", "}", "[", "]", "a"] : ["a", "b", "c"])
    cases.append(Case(file: "lib/\(name).rasp", vocab: vocab, maxSeqLen: 10, causal: false))
}
var rng = SeededRNG(seed: 7)
if only == nil {
    FileHandle.standardOutput.write("program | compile s | peak RSS MB | width | layers | forward s (max len) | evaluator s (max len)\n".data(using: .utf8)!)
    FileHandle.standardOutput.synchronizeFile()
    for i in cases.indices {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = [root, "--one", String(i)]
        try p.run()
        p.waitUntilExit()
    }
    exit(0)
}
for c in [cases[only!]] {
    let path = root + "/" + c.file
    guard let source = try? String(contentsOfFile: path, encoding: .utf8) else { print("\(c.file): cannot read \(path)"); continue }
    let t0 = monotonicSeconds()
    do {
        let model = try compile(source: source, file: path, vocab: c.vocab, maxSeqLen: c.maxSeqLen, causal: c.causal, mlpExactness: c.exactness)
        let t1 = monotonicSeconds()
        let session = try EvalSession(model: model)
        let tokens = (0..<c.maxSeqLen).map { _ in c.vocab[Int(rng.next() % UInt64(c.vocab.count))] }
        let input = try session.values(tokens)
        let t2 = monotonicSeconds()
        _ = try session.runner.run(input)
        let t3 = monotonicSeconds()
        _ = try RASP.evaluate(session.program, input: input, causal: c.causal)
        let t4 = monotonicSeconds()
        print(String(format: "%@ | %.3f | %.0f | %d | %d | %.3f | %.3f", c.file, t1 - t0, Double(peakResidentBytes()) / 1e6, model.width, model.layers.count, t3 - t2, t4 - t3))
    } catch {
        print("\(c.file): \(error)")
    }
}
