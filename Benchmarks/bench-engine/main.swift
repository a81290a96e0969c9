// bench-engine: speed of graft's numeric engine on the SmolLM2-135M shape (random init: timing
// only). Prints the OpenBLAS core, sgemm GFLOP/s on the training shapes, forward tokens/s at
// 12×70, and one paper-shaped training step (METHOD §3.2); `RESULT key=value` lines are for scripts
// (Benchmarks/vs-pytorch/run.sh). Usage: bench-engine [threads] [steps] [sgemm] [--tiny] [--precision=auto|fp32|bf16]
// ("sgemm": stop after the matmul figures; --tiny: 2 layers, d 64, vocab 1000, batch 2, a smoke check;
// --precision: the model's products as the stages' flag of that name, default fp32 here).
import Engine
import Foundation
import LM
import Support
import Tensor

requireBuildCPU(program: "bench-engine")
chooseOpenBLASCore(program: "bench-engine", current: Threads.blasCoreName)

/// Prints and flushes at once, so figures show up even when a run is cut short.
func say(_ line: String) { print(line); fflush(nil) }

let args = [CommandLine.arguments[0]] + CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
let tiny = CommandLine.arguments.contains("--tiny")
let precisionFlag = CommandLine.arguments.first { $0.hasPrefix("--precision=") }.map { String($0.dropFirst("--precision=".count)) } ?? "fp32"
guard let precisionRequest = PrecisionRequest(rawValue: precisionFlag) else {
    FileHandle.standardError.write("bench-engine: --precision must be auto, fp32 or bf16, not '\(precisionFlag)'\n".data(using: .utf8)!)
    exit(2)
}
let threads = args.count > 1 ? Int(args[1]) ?? 2 : 2
let steps = args.count > 2 ? Int(args[2]) ?? 3 : 3
Threads.set(threads)
/// A machine-readable figure for scripts: `RESULT key=value`.
func result(_ key: String, _ value: String) { say("RESULT \(key)=\(value)") }
result("blas_core", Threads.blasCoreName)
say("threads \(threads), OpenBLAS core \(Threads.blasCoreName) (OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"))")
say("OpenBLAS config: \(Threads.blasConfig)")

func time(_ body: () throws -> Void) rethrows -> Double {
    let t0 = monotonicSeconds(); try body(); return monotonicSeconds() - t0
}

// MARK: - sgemm on the training shapes (N = B·70 tokens)
let config = tiny
    ? ModelConfig(family: .llama, vocabSize: 1000, contextLength: 256, dModel: 64, nLayers: 2, nHeads: 4,
                  nKVHeads: 2, dFF: 128, normEps: 1e-5, ropeTheta: 100_000, tiedEmbeddings: true)
    : ModelConfig.smolLM2_135M
let rows = tiny ? 2 : 12, taskSeq = 40, textSeq = 70
let n = rows * textSeq, d = config.dModel, f = config.dFF, v = config.vocabSize
let shapes: [(String, Bool, Bool, Int, Int, Int)] = [
    ("x·W_upᵀ     [\(n),\(d)]·[\(f),\(d)]ᵀ", false, true, n, f, d),
    ("h·W_downᵀ   [\(n),\(f)]·[\(d),\(f)]ᵀ", false, true, n, d, f),
    ("dyᵀ·x (dW)  [\(f),\(n)]·[\(n),\(d)]", true, false, f, d, n),
    ("dy·W (dx)   [\(n),\(f)]·[\(f),\(d)]", false, false, n, d, f),
    ("LM head     [\(n),\(d)]·[\(v),\(d)]ᵀ", false, true, n, v, d),
]
typealias Product = (Bool, Bool, Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void
/// GFLOP/s of `product` on one training shape, best of 5 after a warm-up call.
func rate(_ shape: (String, Bool, Bool, Int, Int, Int), _ product: Product) -> Double {
    let (_, ta, tb, m, nn, k) = shape
    let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * nn), c = FloatBuffer(count: m * nn)
    for i in 0..<a.count { a[i] = Float(i % 7) * 0.01 }
    for i in 0..<b.count { b[i] = Float(i % 5) * 0.01 }
    let lda = ta ? m : k, ldb = tb ? k : nn
    product(ta, tb, m, nn, k, a.pointer, lda, b.pointer, ldb, c.pointer, nn)
    var best = Double.infinity
    for _ in 0..<5 { best = min(best, time { product(ta, tb, m, nn, k, a.pointer, lda, b.pointer, ldb, c.pointer, nn) }) }
    return 2 * Double(m * nn * k) / best / 1e9
}
var peak = 0.0
for shape in shapes {
    let gf = rate(shape) { gemm(transA: $0, transB: $1, m: $2, n: $3, k: $4, a: $5, lda: $6, b: $7, ldb: $8, c: $9, ldc: $10) }
    peak = max(peak, gf)
    say(String(format: "sgemm %@  %7.1f GFLOP/s", shape.0, gf))
}
say(String(format: "sgemm peak (best of the training shapes): %.1f GFLOP/s", peak))
result("sgemm_peak_gflops", String(format: "%.1f", peak))
// The same shapes as bf16 products (oneDNN, fp32 sums, the conversion of both inputs included).
var bfPeak = 0.0
if Precision.bf16Available {
    for shape in shapes {
        let gf = rate(shape) { gemmBF16(transA: $0, transB: $1, m: $2, n: $3, k: $4, a: $5, lda: $6, b: $7, ldb: $8, c: $9, ldc: $10) }
        bfPeak = max(bfPeak, gf)
        let impl = (try? bf16MatmulImplementation(m: shape.3, n: shape.4, k: shape.5, transA: shape.1, transB: shape.2)) ?? "?"
        say(String(format: "bf16  %@  %7.1f GFLOP/s  (%@)", shape.0, gf, impl))
    }
    say(String(format: "bf16 peak (best of the training shapes, conversions included): %.1f GFLOP/s", bfPeak))
    result("bf16_peak_gflops", String(format: "%.1f", bfPeak))
} else {
    say("bf16: oneDNN serves no bf16 matmul on this CPU")
}
do { try Precision.set(precisionRequest) } catch { say("bench-engine: \(error)"); exit(1) }
say("model products: \(Precision.reason)")
result("precision", Precision.current.rawValue)
// The peak the step is measured against: that of the products it runs (sgemm, or bf16 through oneDNN).
let stepPeak = Precision.current == .bf16 ? bfPeak : peak
let peakName = Precision.current == .bf16 ? "bf16 peak" : "sgemm peak"
if args.count > 3 && args[3] == "sgemm" { exit(0) }

// MARK: - model
let student = try TransformerLM(randomlyInitialized: config, seed: 1)
let teacher = student.copy()
say("model: \(tiny ? "TINY smoke shape" : "SmolLM2-135M shape"), random init (timing only), \(student.params.parameterCount) parameters")
result("parameters", "\(student.params.parameterCount)")

func flopsPerToken(_ t: Int) -> Double {   // forward matmul FLOPs per token (attention computed over full T×T)
    let he = config.nHeads * config.headDim, ke = config.nKVHeads * config.headDim
    let linear = Double(d * he * 2 + 2 * d * ke + 3 * d * f) * Double(config.nLayers) + Double(v * d)
    return 2 * linear + Double(4 * t * he * config.nLayers)
}

var rng = SeededRNG(seed: 5)
@MainActor func batch(_ b: Int, _ t: Int) -> [Int32] { (0..<(b * t)).map { _ in Int32(rng.below(v)) } }
let text = batch(rows, textSeq), task = batch(rows, taskSeq)

_ = try teacher.forward(text, batch: rows, seq: textSeq)
var fwdBest = Double.infinity
for _ in 0..<3 { fwdBest = min(fwdBest, try time { _ = try teacher.forward(text, batch: rows, seq: textSeq) }) }
say(String(format: "forward %d×%d (inference): %.3f s, %.0f tokens/s, %.1f GFLOP/s", rows, textSeq,
             fwdBest, Double(n) / fwdBest, Double(n) * flopsPerToken(textSeq) / fwdBest / 1e9))

// MARK: - one paper-shaped training step
var projector = [Float](repeating: 0, count: d * d)   // rank-2 orthogonal projector (coordinate axes)
projector[0] = 1; projector[d + 1] = 1
let hook = DetachAndRoll(projector: projector, d: d)
let optimizer = AdamW(groups: [AdamWGroup(name: "lm", store: student.params, hyper: AdamWHyper(lr: 1e-6))])
let scratch = LossScratch(vocab: v)
let taskN = rows * taskSeq
// The hook goes after block 8 and cosine-loss gradients reach residuals 0..7 (fewer on --tiny).
let hookAfter = min(8, config.nLayers - 1), cosineLayers = min(8, hookAfter)
var taskTargets = [Int32](repeating: -1, count: taskN)   // 3 supervised answer positions per row
for r in 0..<rows { for p in 36..<39 { taskTargets[r * taskSeq + p] = Int32((r * 7 + p) % v) } }
let cosineGrads = (0..<cosineLayers).map { _ in FloatBuffer(count: taskN * d) }
for g in cosineGrads { for i in 0..<g.count { g[i] = Float(rng.unitFloat() - 0.5) * 1e-4 } }

var parts = [String: Double]()
@MainActor func trainingStep() throws {
    optimizer.zeroGrad()
    parts["task fwd", default: 0] += try time {
        _ = try student.forward(task, batch: rows, seq: taskSeq, options: ForwardOptions(training: true, hook: (hookAfter, hook)))
    }
    parts["task loss+bwd", default: 0] += time {
        let logits = student.logitsBuffer
        crossEntropyForwardBackward(logits: logits, targets: taskTargets, dlogits: logits, n: taskN, v: v)
        var grads: [Int: UnsafePointer<Float>] = [:]
        for i in 0..<cosineLayers { grads[i] = UnsafePointer(cosineGrads[i].pointer) }
        student.backward(dlogits: logits, residualGrads: grads)
    }
    var teacherLogits: UnsafeMutablePointer<Float>!
    parts["teacher fwd", default: 0] += try time { teacherLogits = try teacher.forward(text, batch: rows, seq: textSeq).logits }
    parts["text fwd", default: 0] += try time {
        _ = try student.forward(text, batch: rows, seq: textSeq, options: ForwardOptions(training: true))
    }
    let logits = student.logitsBuffer
    parts["KL loss+grad", default: 0] += time {
        klDivergenceForwardBackward(teacher: teacherLogits, student: logits, dstudent: logits, n: n, v: v, batch: rows, scratch: scratch)
    }
    parts["text bwd", default: 0] += time { student.backward(dlogits: logits) }
    parts["AdamW", default: 0] += time { optimizer.update() }
}
try trainingStep()   // warm-up: plans activation memory for both shapes
parts = [:]
var stepTimes = [Double]()
GemmMeter.start()
for _ in 0..<steps { stepTimes.append(try time { try trainingStep() }) }
let inside = GemmMeter.stop()
let stepBest = stepTimes.min() ?? .nan, stepMean = stepTimes.reduce(0, +) / Double(max(steps, 1))
let stepFlops = 3 * (Double(taskN) * flopsPerToken(taskSeq) + Double(n) * flopsPerToken(textSeq)) + Double(n) * flopsPerToken(textSeq)
say(String(format: "training step (student fwd+bwd %d×%d task + %d×%d text, teacher fwd %d×%d, AdamW): best %.2f s, mean %.2f s of %d, %.1f GFLOP/s at the mean (%.3f TFLOP/step), %.0f%% of the matmul peak",
             rows, taskSeq, rows, textSeq, rows, textSeq, stepBest, stepMean, steps, stepFlops / stepMean / 1e9, stepFlops / 1e12,
             100 * stepFlops / stepMean / 1e9 / stepPeak))
// Every matmul call of the timed steps (sgemm or bf16), metered: the matmuls' own speed, apart from the rest.
let insideSeconds = inside.seconds / Double(steps), insideRate = inside.flops / inside.seconds / 1e9
say(String(format: "inside the matmuls: %.2f s/step in %d calls, %.1f GFLOP/step at %.1f GFLOP/s = %.0f%% of the %@; outside them: %.2f s/step",
           insideSeconds, inside.calls / max(steps, 1), inside.flops / Double(steps) / 1e9, insideRate,
           100 * insideRate / stepPeak, peakName, stepMean - insideSeconds))
result("inside_sgemm_seconds", String(format: "%.4f", insideSeconds))
result("inside_sgemm_gflops", String(format: "%.1f", insideRate))
result("inside_sgemm_share_of_peak", String(format: "%.3f", insideRate / stepPeak))
// Matmul FLOPs per part (backward = 2 × forward) and the time they would take at the matmul peak.
let taskFwd = Double(taskN) * flopsPerToken(taskSeq), textFwd = Double(n) * flopsPerToken(textSeq)
let partFlops: [String: Double] = ["task fwd": taskFwd, "task loss+bwd": 2 * taskFwd, "teacher fwd": textFwd,
                                   "text fwd": textFwd, "text bwd": 2 * textFwd]
for (k, s) in parts.sorted(by: { $0.value > $1.value }) {
    let seconds = s / Double(steps), floor = (partFlops[k] ?? 0) / stepPeak / 1e9
    say(String(format: "  %@ %5.2f s/step  %6.1f GFLOP, %5.2f s at the matmul peak, %5.2f s outside it",
               k.padding(toLength: 14, withPad: " ", startingAt: 0), seconds,
               (partFlops[k] ?? 0) / 1e9, floor, seconds - floor))
}
result("step_seconds_each", stepTimes.map { String(format: "%.4f", $0) }.joined(separator: ","))
result("step_seconds_best", String(format: "%.4f", stepBest))
result("step_seconds_mean", String(format: "%.4f", stepMean))
result("step_tflop", String(format: "%.4f", stepFlops / 1e12))
for (k, s) in parts.sorted(by: { $0.key < $1.key }) {
    result("part_" + k.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "+", with: "_"),
           String(format: "%.4f", s / Double(steps)))
}
result("peak_rss_bytes", "\(peakResidentBytes())")
say(String(format: "peak RSS %.2f GB", Double(peakResidentBytes()) / 1e9))
