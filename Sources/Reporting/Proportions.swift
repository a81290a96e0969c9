// Accuracies are proportions of a finite test set: each is shown with its example count and a
// 95 % interval, and a difference between two of them is called significant only when the
// interval of the difference excludes zero. Wilson's score interval for one proportion
// (E. B. Wilson, 1927) and Newcombe's hybrid score interval for a difference of two independent
// proportions (R. G. Newcombe, Statistics in Medicine 17, 1998, method 10): both stay inside
// [0, 1] and behave at 0 % and 100 %, where the normal approximation does not.

/// `correct` of `total` (total ≥ 1).
public struct Proportion: Sendable, Equatable, Codable {
    public var correct: Int
    public var total: Int
    public init(correct: Int, total: Int) { self.correct = correct; self.total = total }

    public var value: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// Wilson's score interval at `z` (1.96: 95 %).
    public func interval(z: Double = 1.96) -> (low: Double, high: Double) {
        guard total > 0 else { return (0, 1) }
        let n = Double(total), p = value, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Newcombe's 95 % interval for self − other.
    public func differenceInterval(from other: Proportion, z: Double = 1.96) -> (low: Double, high: Double) {
        let (l1, u1) = interval(z: z), (l2, u2) = other.interval(z: z)
        let p1 = value, p2 = other.value, d = p1 - p2
        return (d - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot(),
                d + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot())
    }

    /// How self compares with `other`: higher or lower when the 95 % interval of the difference
    /// excludes zero, else not significant.
    public func compared(with other: Proportion) -> Comparison {
        let (low, high) = differenceInterval(from: other)
        return low > 0 ? .higher : high < 0 ? .lower : .notSignificant
    }

    public enum Comparison: String, Sendable, Equatable {
        case higher, lower
        case notSignificant = "n.s."
    }
}
