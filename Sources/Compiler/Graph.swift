// Pass 1: program → graph. Every expression reachable from the output becomes a node with
// tracr's unique label (`<name>_<id>`, ids in breadth-first order from the output), its
// encoding and its children; checks what tracr rejects before compiling (static validation).
import RASP

public struct CompileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// The settings of one compilation (tracr's compile_rasp_to_model arguments).
public struct CompileOptions: Sendable {
    public var vocab: [Value]
    public var maxSeqLen: Int
    public var causal: Bool
    public var bos: String
    public var pad: String
    public var mlpExactness: Double
    /// Largest value set any s-op may have (tracr has no limit; graft refuses to build
    /// matrices that would not fit).
    public var valueSetLimit: Int
    /// Largest MLP hidden layer of a single block.
    public var hiddenLimit: Int

    public init(vocab: [Value], maxSeqLen: Int, causal: Bool = false, bos: String = "bos", pad: String = "pad",
                mlpExactness: Double = 100, valueSetLimit: Int = 10_000, hiddenLimit: Int = 250_000) {
        self.vocab = vocab
        self.maxSeqLen = maxSeqLen
        self.causal = causal
        self.bos = bos
        self.pad = pad
        self.mlpExactness = mlpExactness
        self.valueSetLimit = valueSetLimit
        self.hiddenLimit = hiddenLimit
    }
}

public struct GraphNode: Sendable {
    public var id: ExprID
    public var label: String
    public var expr: Expr
    public var encoding: Encoding
    public var isSOp: Bool { !expr.isSelector }
}

/// The program as tracr's graph: nodes in breadth-first (= label id) order.
public struct ProgramGraph: Sendable {
    public var nodes: [GraphNode]
    public var byID: [ExprID: Int]
    public var output: ExprID
    /// Children before parents.
    public var topological: [ExprID]

    public func node(_ id: ExprID) -> GraphNode { nodes[byID[id]!] }
    public func label(_ id: ExprID) -> String { node(id).label }
}

public func buildGraph(_ program: Program) throws(CompileError) -> ProgramGraph {
    let labels = program.labels()
    var nodes: [GraphNode] = []
    var byID: [ExprID: Int] = [:]
    for id in program.breadthFirst() {
        byID[id] = nodes.count
        nodes.append(GraphNode(id: id, label: labels[id]!, expr: program.arena[id].expr, encoding: program.arena[id].encoding))
    }
    let graph = ProgramGraph(nodes: nodes, byID: byID, output: program.output, topological: program.topologicalOrder())
    try validate(graph)
    return graph
}

/// tracr's static validation plus the checks its later passes make, all reported at once.
func validate(_ g: ProgramGraph) throws(CompileError) {
    var problems: [String] = []
    if g.node(g.output).expr.isSelector { problems.append("the output must be an s-op, not a selector") }
    if !g.nodes.contains(where: { if case .tokens = $0.expr { true } else { false } }) {
        problems.append("the program does not use tokens; tracr needs tokens to compile a program")
    }
    for n in g.nodes {
        let enc = n.encoding
        func isCat(_ id: ExprID) -> Bool { g.node(id).encoding == .categorical }
        switch n.expr {
        case .tokens, .indices:
            if enc == .numerical { problems.append("\(n.label): tokens and indices must be categorical") }
        case .full:
            problems.append("\(n.label): tracr cannot compile Full (a constant s-op); write Map(x -> VALUE, tokens) instead")
        case .select(let k, let q, _):
            if !isCat(k) { problems.append("\(n.label): Select keys (\(g.label(k))) must be categorical") }
            if !isCat(q) { problems.append("\(n.label): Select queries (\(g.label(q))) must be categorical") }
        case .aggregate(_, let s, let d):
            if g.node(s).encoding != enc {
                problems.append("\(n.label): a \(enc.rawValue) Aggregate of the \(g.node(s).encoding.rawValue) s-op \(g.label(s)); an Aggregate's encoding must match its input's (convert with a Map first)")
            }
            if enc == .categorical && d != nil { problems.append("\(n.label): a categorical Aggregate's default must be None, got \(d!.repr)") }
            if enc == .numerical && !(d.map { $0 == .int(0) } ?? false) {
                problems.append("\(n.label): a numerical Aggregate's default must be 0, got \(d?.repr ?? "None")")
            }
        case .sequenceMap(_, let a, let b):
            if !(isCat(a) && isCat(b) && enc == .categorical) {
                problems.append("\(n.label): a (non-linear) SequenceMap needs categorical inputs and output (got \(g.node(a).encoding.rawValue), \(g.node(b).encoding.rawValue) → \(enc.rawValue)); use LinearSequenceMap for numerical ones")
            }
        case .linearSequenceMap(let a, let b, _, _):
            if isCat(a) || isCat(b) || enc == .categorical {
                problems.append("\(n.label): LinearSequenceMap needs numerical inputs and output; annotate them with numerical(…)")
            }
        case .map, .selectorWidth:
            break
        }
    }
    if !problems.isEmpty { throw CompileError("the program cannot be compiled:\n  " + problems.joined(separator: "\n  ")) }
}
