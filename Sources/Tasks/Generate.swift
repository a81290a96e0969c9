// One entry point over the three task generators: task + sizes + OOD options + seed → TaskData.
import Support

public struct OODOptions: Sendable, Codable, Equatable {
    public var dyck = Dyck.OODOptions()
    public var count = Count.OODOptions()
    public var sum = IntSum.OODOptions()
    public init() {}
}

public func generateTaskData(_ task: TaskKind, sizes: TaskSizes, options: OODOptions = OODOptions(),
                             seed: UInt64, progress: Bool = false) throws -> TaskData {
    switch task {
    case .dyck: try Dyck.generate(sizes: sizes, options: options.dyck, seed: seed, progress: progress)
    case .count: try Count.generate(sizes: sizes, options: options.count, seed: seed, progress: progress)
    case .sum: try IntSum.generate(sizes: sizes, options: options.sum, seed: seed, progress: progress)
    }
}
