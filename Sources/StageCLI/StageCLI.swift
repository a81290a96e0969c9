// What the stage executables share on their command lines, declared once: the argument
// conformances of the shared enums (task, data profile), the thread count (checked where it is
// parsed, then applied) and the headline metrics a stage hands to the pipeline runner.
import ArgumentParser
import Foundation
import Support
import Tasks
import Tensor

extension TaskKind: ExpressibleByArgument {}
extension DataProfile: ExpressibleByArgument {}

/// `--threads N` of every numeric stage: OpenBLAS's threads and graft's parallel loops. Results
/// are identical for a fixed N (DESIGN §4), so N is part of what reproduces a run.
public struct ThreadOptions: ParsableArguments {
    /// More threads than this is a typo, not a machine (the project's machines have 2 cores).
    public static let most = 1024

    @Option(help: "Threads for OpenBLAS and graft's loops (1…\(ThreadOptions.most)).") public var threads = 2

    public init() {}

    public func validate() throws {
        guard (1...Self.most).contains(threads) else {
            throw ValidationError("--threads must be between 1 and \(Self.most), got \(threads)")
        }
    }

    /// Sets the thread count; the first thing a stage's run() does.
    public func apply() { Threads.set(threads) }
}

extension PrecisionRequest: ExpressibleByArgument {}

/// `--precision auto|fp32|bf16` of every stage that runs the model: the precision of its linear
/// layers' products (bf16 inputs with fp32 sums through oneDNN, or fp32 OpenBLAS sgemm). `auto`
/// takes bf16 where the CPU has bf16 units (AVX512_BF16, AMX-BF16). Results differ between the two
/// in the last bits, so the choice is recorded in what the stage writes.
public struct PrecisionOptions: ParsableArguments {
    @Option(help: "Matrix products of the model: auto (bf16 where the CPU has bf16 units, else fp32), fp32 or bf16.")
    public var precision: PrecisionRequest = .auto

    public init() {}

    /// Chooses the precision (a bf16 the library cannot serve fails here, naming the way out).
    public func apply() throws { try Precision.set(precision) }
}

/// Writes a stage's headline metrics (a flat object name → number, keys sorted, non-finite values
/// left out) where the pipeline runner asks for them ($GRAFT_METRICS); nothing when it does not.
public func writeHeadlineMetrics(_ metrics: [String: Double], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    guard let path = environment["GRAFT_METRICS"], !path.isEmpty else { return }
    try writeFileAtomically(path, bytes: headlineMetricsJSON(metrics))
}

/// The bytes `writeHeadlineMetrics` writes.
public func headlineMetricsJSON(_ metrics: [String: Double]) throws -> [UInt8] {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return [UInt8](try e.encode(metrics.filter { $0.value.isFinite }))
}
