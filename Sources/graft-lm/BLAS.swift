// `graft-lm blas`: the CPU, the OpenBLAS build and kernel set this process runs, and why graft
// chose them (DESIGN §4a). The same facts go into every distill summary and evaluate timing.
import ArgumentParser
import Support
import Tensor

struct BLAS: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the CPU, the OpenBLAS build, the kernel set in use and why it was chosen.")

    func run() {
        print("cpu: \(cpuModelName())")
        print("openblas: \(Threads.blasConfig)")
        print("core: \(Threads.blasCoreName) (\(openBLASCoreClass(Threads.blasCoreName)) kernels)")
        print("reason: \(blasChoiceReason)")
    }
}
