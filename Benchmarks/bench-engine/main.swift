// bench-engine: speed of graft's numeric engine on the SmolLM2-135M shape (random init: timing
// only). Prints the OpenBLAS core, sgemm GFLOP/s on the training shapes, forward tokens/s at
// 12×70, and one paper-shaped training step (METHOD §3.2).
// Usage: bench-engine [threads] [steps] [sgemm]   ("sgemm": stop after the sgemm figures)
import Engine
import Foundation
import LM
import Support
import Tensor

/// Prints and flushes at once, so figures show up even when a run is cut short.
func say(_ line: String) { print(line); fflush(nil) }

let args = CommandLine.arguments
let threads = args.count > 1 ? Int(args[1]) ?? 2 : 2
let steps = args.count > 2 ? Int(args[2]) ?? 3 : 3
Threads.set(threads)
say("threads \(threads), OpenBLAS core \(Threads.blasCoreName) (OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"))")
say("OpenBLAS config: \(Threads.blasConfig)")

func time(_ body: () throws -> Void) rethrows -> Double {
    let t0 = monotonicSeconds(); try body(); return monotonicSeconds() - t0
}

// MARK: - sgemm on the training shapes (N = 12·70 tokens)
let n = 840, d = 576, f = 1536, v = 49152
let shapes: [(String, Bool, Bool, Int, Int, Int)] = [
    ("x·W_upᵀ     [840,576]·[1536,576]ᵀ", false, true, n, f, d),
    ("h·W_downᵀ   [840,1536]·[576,1536]ᵀ", false, true, n, d, f),
    ("dyᵀ·x (dW)  [1536,840]·[840,576]", true, false, f, d, n),
    ("dy·W (dx)   [840,1536]·[1536,576]", false, false, n, d, f),
    ("LM head     [840,576]·[49152,576]ᵀ", false, true, n, v, d),
]
var peak = 0.0
for (name, ta, tb, m, nn, k) in shapes {
    let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * nn), c = FloatBuffer(count: m * nn)
    for i in 0..<a.count { a[i] = Float(i % 7) * 0.01 }
    for i in 0..<b.count { b[i] = Float(i % 5) * 0.01 }
    let lda = ta ? m : k, ldb = tb ? k : nn
    gemm(transA: ta, transB: tb, m: m, n: nn, k: k, a: a.pointer, lda: lda, b: b.pointer, ldb: ldb, c: c.pointer, ldc: nn)
    var best = Double.infinity
    for _ in 0..<5 {
        best = min(best, time { gemm(transA: ta, transB: tb, m: m, n: nn, k: k, a: a.pointer, lda: lda, b: b.pointer, ldb: ldb, c: c.pointer, ldc: nn) })
    }
    let gf = 2 * Double(m * nn * k) / best / 1e9
    peak = max(peak, gf)
    say(String(format: "sgemm %@  %7.1f GFLOP/s", name, gf))
}
say(String(format: "sgemm peak (best of the training shapes): %.1f GFLOP/s", peak))
if args.count > 3 && args[3] == "sgemm" { exit(0) }

// MARK: - model
let config = ModelConfig.smolLM2_135M
let student = try TransformerLM(randomlyInitialized: config, seed: 1)
let teacher = student.copy()
say("model: SmolLM2-135M shape, random init (timing only), \(student.params.parameterCount) parameters")

func flopsPerToken(_ t: Int) -> Double {   // forward matmul FLOPs per token (attention computed over full T×T)
    let he = config.nHeads * config.headDim, ke = config.nKVHeads * config.headDim
    let linear = Double(d * he * 2 + 2 * d * ke + 3 * d * f) * Double(config.nLayers) + Double(v * d)
    return 2 * linear + Double(4 * t * he * config.nLayers)
}

var rng = SeededRNG(seed: 5)
@MainActor func batch(_ b: Int, _ t: Int) -> [Int32] { (0..<(b * t)).map { _ in Int32(rng.below(v)) } }
let text = batch(12, 70), task = batch(12, 40)

_ = try teacher.forward(text, batch: 12, seq: 70)
var fwdBest = Double.infinity
for _ in 0..<3 { fwdBest = min(fwdBest, try time { _ = try teacher.forward(text, batch: 12, seq: 70) }) }
say(String(format: "forward 12×70 (inference): %.3f s, %.0f tokens/s, %.1f GFLOP/s",
             fwdBest, 840 / fwdBest, 840 * flopsPerToken(70) / fwdBest / 1e9))

// MARK: - one paper-shaped training step
var projector = [Float](repeating: 0, count: d * d)   // rank-2 orthogonal projector (coordinate axes)
projector[0] = 1; projector[d + 1] = 1
let hook = DetachAndRoll(projector: projector, d: d)
let optimizer = AdamW(groups: [AdamWGroup(name: "lm", store: student.params, hyper: AdamWHyper(lr: 1e-6))])
let scratch = LossScratch(vocab: v)
var taskTargets = [Int32](repeating: -1, count: 480)   // 3 supervised answer positions per row
for r in 0..<12 { for p in 36..<39 { taskTargets[r * 40 + p] = Int32(r * 7 + p) } }
let cosineGrads = (0...7).map { _ in FloatBuffer(count: 480 * d) }
for g in cosineGrads { for i in 0..<g.count { g[i] = Float(rng.unitFloat() - 0.5) * 1e-4 } }

var parts = [String: Double]()
@MainActor func trainingStep() throws {
    optimizer.zeroGrad()
    parts["task fwd", default: 0] += try time {
        _ = try student.forward(task, batch: 12, seq: 40, options: ForwardOptions(training: true, hook: (8, hook)))
    }
    parts["task loss+bwd", default: 0] += time {
        let logits = student.logitsBuffer
        crossEntropyForwardBackward(logits: logits, targets: taskTargets, dlogits: logits, n: 480, v: v)
        var grads: [Int: UnsafePointer<Float>] = [:]
        for i in 0...7 { grads[i] = UnsafePointer(cosineGrads[i].pointer) }
        student.backward(dlogits: logits, residualGrads: grads)
    }
    var teacherLogits: UnsafeMutablePointer<Float>!
    parts["teacher fwd", default: 0] += try time { teacherLogits = try teacher.forward(text, batch: 12, seq: 70).logits }
    parts["text fwd", default: 0] += try time {
        _ = try student.forward(text, batch: 12, seq: 70, options: ForwardOptions(training: true))
    }
    let logits = student.logitsBuffer
    parts["KL loss+grad", default: 0] += time {
        klDivergenceForwardBackward(teacher: teacherLogits, student: logits, dstudent: logits, n: 840, v: v, batch: 12, scratch: scratch)
    }
    parts["text bwd", default: 0] += time { student.backward(dlogits: logits) }
    parts["AdamW", default: 0] += time { optimizer.update() }
}
try trainingStep()   // warm-up: plans activation memory for both shapes
parts = [:]
var stepBest = Double.infinity
for _ in 0..<steps { stepBest = min(stepBest, try time { try trainingStep() }) }
let stepFlops = 3 * (480 * flopsPerToken(40) + 840 * flopsPerToken(70)) + 840 * flopsPerToken(70)
say(String(format: "training step (student fwd+bwd 12×40 task + 12×70 text, teacher fwd 12×70, AdamW): best %.2f s of %d, %.1f GFLOP/s (%.2f TFLOP/step), %.0f%% of sgemm peak",
             stepBest, steps, stepFlops / stepBest / 1e9, stepFlops / 1e12, 100 * stepFlops / stepBest / 1e9 / peak))
for (k, s) in parts.sorted(by: { $0.value > $1.value }) { say(String(format: "  %-14@ %.2f s/step", k, s / Double(steps))) }
say(String(format: "vs PyTorch 12.9 s/step (DESIGN §4a): %.2f× faster", 12.9 / stepBest))
say(String(format: "peak RSS %.2f GB", Double(peakResidentBytes()) / 1e9))
