// Evaluation set sizes per profile (DESIGN §5): `paper` = the paper's sizes (METHOD §5), `default`
// sized so the seven models of the default pipeline are evaluated in about a quarter of an hour
// on a 2-core machine (figures in docs/evaluation.md), `smoke` = a few examples per part (CI).
// Every size is also a command-line flag; nil means "every example of the file".

public enum EvaluationProfile: String, Sendable, CaseIterable {
    case smoke, `default`, paper
}

public struct EvaluationSizes: Sendable, Equatable {
    /// First examples of test.jsonl.
    public var test: Int?
    /// First examples of each OOD set (file order).
    public var oodPerSet: Int?
    /// First lines of the Shakespeare file (the non-empty ones among them are scored).
    public var shakespeareLines: Int
    public var sst2: Int?
    public var mrpc: Int?
    public var lambada: Int?
    /// First test examples used by the noise experiment.
    public var noise: Int?
    public var absoluteNorms: [Double]
    public var relativeMultiples: [Double]

    public init(test: Int?, oodPerSet: Int?, shakespeareLines: Int, sst2: Int?, mrpc: Int?, lambada: Int?, noise: Int?,
                absoluteNorms: [Double], relativeMultiples: [Double]) {
        self.test = test; self.oodPerSet = oodPerSet; self.shakespeareLines = shakespeareLines; self.sst2 = sst2
        self.mrpc = mrpc; self.lambada = lambada; self.noise = noise
        self.absoluteNorms = absoluteNorms; self.relativeMultiples = relativeMultiples
    }

    public static func of(_ profile: EvaluationProfile) -> EvaluationSizes {
        switch profile {
        case .smoke:
            EvaluationSizes(test: 8, oodPerSet: 4, shakespeareLines: 20, sst2: 4, mrpc: 4, lambada: 4, noise: 4,
                            absoluteNorms: [0, 10], relativeMultiples: [1])
        case .default:
            EvaluationSizes(test: 200, oodPerSet: 50, shakespeareLines: 200, sst2: 64, mrpc: 40, lambada: 80, noise: 40,
                            absoluteNorms: [0, 5, 10, 30], relativeMultiples: [0.5, 1, 2])
        case .paper:
            EvaluationSizes(test: nil, oodPerSet: nil, shakespeareLines: 2000, sst2: nil, mrpc: nil, lambada: nil, noise: nil,
                            absoluteNorms: [0, 5, 10, 30], relativeMultiples: [0.25, 0.5, 1, 2])
        }
    }
}

/// The first `n` elements (all when n is nil).
func firstN<T>(_ items: [T], _ n: Int?) -> [T] { n.map { Array(items.prefix($0)) } ?? items }
