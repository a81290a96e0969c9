// swift-tools-version:6.0
// graft: inject RASP algorithms into a pre-trained language model, as a pipeline of stages.
// Libraries are listed in data-flow order (DESIGN.md §1); every executable is a thin file
// over one library call; every library has a test target mirroring it file to file.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

// Numeric kernels are bounds-checked in debug builds and unchecked in release builds. On x86-64,
// release builds of them also use AVX2 + FMA (twice the baseline's SIMD width); executables that
// run them check the CPU first (Support/BuildCPU.swift). GRAFT_PORTABLE_BUILD=1 builds for the
// baseline x86-64 instead.
#if arch(x86_64)
let avx2Build = Context.environment["GRAFT_PORTABLE_BUILD"] == nil
#else
let avx2Build = false
#endif
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"] + (avx2Build ? ["-target-cpu", "haswell"] : []), .when(configuration: .release)),
]
let supportSettings: [SwiftSetting] = avx2Build ? [.define("GRAFT_AVX2_BUILD", .when(configuration: .release))] : []

let package = Package(
    name: "graft",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pipeline", targets: ["pipeline"]),
        .executable(name: "generate-data", targets: ["generate-data"]),
        .executable(name: "compile-rasp", targets: ["compile-rasp"]),
        .executable(name: "distill", targets: ["distill"]),
        .executable(name: "evaluate", targets: ["evaluate"]),
        .executable(name: "decode", targets: ["decode"]),
        .executable(name: "report", targets: ["report"]),
        .executable(name: "graft-lm", targets: ["graft-lm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - Native libraries from Debian (libopenblas-dev, libzstd-dev, libarchive-dev, libdnnl-dev, librsvg2-dev)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // librsvg + cairo: figures' SVGs → PNG (text through fontconfig, Debian's fonts-dejavu-core).
        .systemLibrary(name: "CRsvg", pkgConfig: "librsvg-2.0", providers: [.apt(["librsvg2-dev"])]),

        // MARK: - Shared ground: JSON, formats, the store, terminal progress
        .target(name: "JSONText"),
        // The file types that pass between stages, one definition for writer and readers.
        .target(name: "StageFiles", dependencies: ["JSONText"]),
        .target(name: "SafeTensors", dependencies: ["JSONText"]),
        .target(name: "Support", swiftSettings: supportSettings),
        .target(name: "Artifacts", dependencies: ["CZstd", "CArchive", "JSONText", "SafeTensors", "Support", crypto]),

        // MARK: - RASP → compiled transformer (standard library only)
        .target(name: "RASP"),
        .target(name: "Craft", dependencies: ["RASP"]),
        .target(name: "Compiler", dependencies: ["RASP", "Craft", "JSONText"]),
        .target(name: "CompiledModelFile", dependencies: ["Compiler", "JSONText", "SafeTensors", "Support"]),

        // MARK: - Numeric engine and the language model
        .target(name: "Tensor", dependencies: ["CBLAS", "CDNNL", "Support"], swiftSettings: numericSettings),
        .target(name: "Engine", dependencies: ["Tensor"], swiftSettings: numericSettings),
        .target(name: "LM", dependencies: ["Engine", "Tensor", "SafeTensors", "CArchive", "Support"],
                swiftSettings: numericSettings),

        // MARK: - The runner
        .target(name: "Pipeline", dependencies: ["Artifacts", "JSONText", "Support", "CArchive", crypto]),

        // MARK: - Task data and corpora
        .target(name: "Tasks", dependencies: ["CArchive", "JSONText", "Support", "LM", crypto]),

        // MARK: - Injection: losses, adapter, detach-and-roll, the training loop
        .target(name: "Injection", dependencies: ["LM", "Engine", "Tensor", "Tasks", "Compiler", "CompiledModelFile", "SafeTensors", "Support", "Artifacts", "JSONText", "RASP", "StageFiles", crypto], swiftSettings: numericSettings),

        // MARK: - Evaluation: task accuracy, retention metrics, the noise experiment
        .target(name: "Evaluation", dependencies: ["LM", "Engine", "Tensor", "Tasks", "Injection", "Compiler", "CompiledModelFile", "Artifacts", "JSONText", "StageFiles", "Support"], swiftSettings: numericSettings),

        // MARK: - Report rendering (standard library and Foundation; librsvg turns the SVG figures into PNGs)
        .target(name: "Reporting", dependencies: ["CRsvg"]),

        // MARK: - Decoding the residual stream, and the report built from every stage's outputs
        .target(name: "Decoding", dependencies: ["LM", "Engine", "Tensor", "Injection", "Compiler", "CompiledModelFile", "Tasks", "Reporting", "CArchive", "StageFiles", "Support"], swiftSettings: numericSettings),
        .target(name: "ReportStage", dependencies: ["Reporting", "Decoding", "StageFiles", "Support", crypto]),

        // MARK: - Executables (one short file each over a library call)
        .target(name: "StageCLI", dependencies: ["Tasks", "Support", "Tensor", argumentParser]),
        .executableTarget(name: "pipeline", dependencies: ["Pipeline", "JSONText", argumentParser]),
        .executableTarget(name: "generate-data", dependencies: ["StageCLI", "Tasks", "Support", argumentParser]),
        .executableTarget(name: "compile-rasp", dependencies: ["Compiler", "CompiledModelFile", "JSONText", "RASP", "SafeTensors", "Support", argumentParser]),
        .executableTarget(name: "distill", dependencies: ["StageCLI", "Injection", "Tasks", "Tensor", "Support", argumentParser]),
        .executableTarget(name: "evaluate", dependencies: ["StageCLI", "Evaluation", "LM", "Tasks", "Tensor", "Support", argumentParser]),
        .executableTarget(name: "decode", dependencies: ["StageCLI", "Decoding", "Tasks", "Support", "Tensor", argumentParser]),
        .executableTarget(name: "report", dependencies: ["StageCLI", "ReportStage", "Reporting", "Decoding", "Support", argumentParser]),
        .executableTarget(name: "graft-lm", dependencies: ["LM", "Engine", "Tensor", "Support", argumentParser]),

        // MARK: - Tests, one target per library
        // What several test targets share (scratch directories, a seeded generator); linked only into tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONTextTests", dependencies: ["TestSupport", "JSONText"]),
        .testTarget(name: "StageFilesTests", dependencies: ["StageFiles", "JSONText"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["TestSupport", "SafeTensors"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "StageCLITests", dependencies: ["StageCLI", "Tasks", "Tensor", argumentParser]),
        .testTarget(name: "ArtifactsTests", dependencies: ["TestSupport", "Artifacts", "JSONText", "SafeTensors"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Artifacts", "CArchive", "JSONText", "pipeline"]),
        .testTarget(name: "RASPTests", dependencies: ["TestSupport", "RASP"]),
        .testTarget(name: "CraftTests", dependencies: ["Craft", "RASP"]),
        .testTarget(name: "CompilerTests", dependencies: ["TestSupport", "Compiler", "Craft", "JSONText", "RASP"], exclude: ["Fixtures"]),
        .testTarget(name: "LMLoaderTests", dependencies: ["TestSupport", "LM", "SafeTensors", "Support"]),
        .testTarget(name: "LMTokenizerTests", dependencies: ["TestSupport", "LM", "Support"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "Support"], swiftSettings: numericSettings),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Tensor"], swiftSettings: numericSettings),
        .testTarget(name: "LMModelTests", dependencies: ["LM", "Engine", "Tensor", "Support"], swiftSettings: numericSettings),
        .testTarget(name: "TasksTests", dependencies: ["TestSupport", "Tasks", "Support", "Compiler", "CompiledModelFile", "JSONText", "RASP"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        .testTarget(name: "InjectionTests", dependencies: ["TestSupport", "Support", "Injection", "LM", "Engine", "Tensor", "Compiler", "Artifacts", "JSONText", "StageFiles"], swiftSettings: numericSettings),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "Evaluation", "LM", "Engine", "Tensor", "Tasks", "Injection", "Compiler", "CompiledModelFile", "Artifacts", "JSONText", "StageFiles", "Support"], swiftSettings: numericSettings),
        .testTarget(name: "DecodingTests", dependencies: ["Decoding", "Injection", "Compiler", "LM", "Tasks", "Reporting", "StageFiles", "Tensor"], swiftSettings: numericSettings),
        .testTarget(name: "ReportStageTests", dependencies: ["TestSupport", "ReportStage", "Reporting", "Decoding", "StageFiles"]),

        // MARK: - Benchmarks (release builds; print figures, assert nothing)
        .executableTarget(name: "bench-store", dependencies: ["Artifacts", "JSONText", "Pipeline", "SafeTensors", "Support"], path: "Benchmarks/bench-store"),
        .executableTarget(name: "bench-compile", dependencies: ["Compiler", "RASP", "Support"], path: "Benchmarks/bench-compile"),
        .executableTarget(name: "bench-data", dependencies: ["Tasks", "Support"], path: "Benchmarks/bench-data"),
        .executableTarget(name: "bench-engine", dependencies: ["LM", "Engine", "Tensor", "Support"], path: "Benchmarks/bench-engine"),
        .executableTarget(name: "bench-report", dependencies: ["Reporting"], path: "Benchmarks/bench-report"),
        .executableTarget(name: "bench-decode", dependencies: ["Decoding", "Support", "Tensor"], path: "Benchmarks/bench-decode"),
    ]
)
