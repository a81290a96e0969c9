// Data sizes per profile (DESIGN §5): `paper` is the paper's sizes (METHOD §2.2, §5.6),
// `default` is sized for a 2-core machine, `smoke` for CI. Every size is an explicit
// parameter; the profile only supplies defaults the command line can override.

public enum DataProfile: String, Sendable, CaseIterable, Codable {
    case smoke, `default`, paper
}

/// All sizes that shape one task's data.
public struct TaskSizes: Sendable, Codable, Equatable {
    /// Examples generated before de-duplication (dyck, count). For sum: the operand bound
    /// (all pairs 0 ≤ i, j < sumOperandBound are used).
    public var pool: Int
    /// Test examples (the paper's min(20 %, 4000)).
    public var test: Int
    /// Size of each sampled OOD set (the fixed ones — count x-only, cascading overflow — are not sampled).
    public var ood: Int
    public init(pool: Int, test: Int, ood: Int) {
        self.pool = pool
        self.test = test
        self.ood = ood
    }

    public static func of(_ task: TaskKind, profile: DataProfile) -> TaskSizes {
        switch (task, profile) {
        case (.dyck, .paper): TaskSizes(pool: 1_000_000, test: 4000, ood: 4000)
        case (.count, .paper): TaskSizes(pool: 2_000_000, test: 4000, ood: 4000)
        case (.sum, .paper): TaskSizes(pool: 450, test: 4000, ood: 4000)
        case (.dyck, .default): TaskSizes(pool: 100_000, test: 1000, ood: 500)
        case (.count, .default): TaskSizes(pool: 100_000, test: 1000, ood: 500)
        case (.sum, .default): TaskSizes(pool: 450, test: 1000, ood: 500)
        case (.dyck, .smoke): TaskSizes(pool: 2000, test: 100, ood: 40)
        case (.count, .smoke): TaskSizes(pool: 2000, test: 100, ood: 40)
        case (.sum, .smoke): TaskSizes(pool: 60, test: 100, ood: 40)
        }
    }
}
