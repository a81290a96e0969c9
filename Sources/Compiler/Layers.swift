// Pass 4: layer allocation (tracr's craft_graph_to_model.py). A block's depth is the longest
// chain of s-ops from a source; a depth holding only attention followed by one holding only
// MLPs is merged; depth d goes to the attention (even) or MLP (odd) sublayer 2(d−1)(+1).
// Empty sublayers are then squeezed out by packing blocks into attention/MLP alternation.
import RASP
import Craft

/// One compiled layer: the heads of its attention sublayer and its (combined) MLP.
public struct CraftLayer: Sendable {
    public var heads: [AttentionBlock] = []
    public var mlp: MLPBlock? = nil
}

public func allocateLayers(_ g: ProgramGraph, _ blocks: [ExprID: CraftBlock]) -> [CraftLayer] {
    // Longest path, counting s-op nodes only (selectors add no depth).
    var depth: [ExprID: Int] = [:]
    for id in g.topological {
        let n = g.node(id)
        let children = n.expr.children
        if children.isEmpty { depth[id] = 0; continue }
        let d = children.map { c in depth[c]! + (n.isSOp ? 1 : 0) }.max()!
        depth[id] = d
    }
    // Nodes with blocks, grouped by depth, in graph (label id) order.
    var byDepth: [Int: [ExprID]] = [:]
    var nodeDepth: [ExprID: Int] = [:]
    for n in g.nodes where blocks[n.id] != nil {
        byDepth[depth[n.id]!, default: []].append(n.id)
        nodeDepth[n.id] = depth[n.id]!
    }
    guard var maxDepth = byDepth.keys.max(), let minDepth = byDepth.keys.min() else { return [] }
    func allAttention(_ d: Int) -> Bool { (byDepth[d] ?? []).allSatisfy { blocks[$0]!.isAttention } }
    func allMLP(_ d: Int) -> Bool { (byDepth[d] ?? []).allSatisfy { blocks[$0]!.isMLP } }
    var d = minDepth
    while d < maxDepth {
        if allAttention(d) && allMLP(d + 1) {
            for u in (d + 1)...maxDepth {
                for id in byDepth[u] ?? [] { nodeDepth[id] = u - 1 }
                byDepth[u - 1, default: []].append(contentsOf: byDepth[u] ?? [])
                byDepth[u] = []
            }
            maxDepth -= 1
        }
        d += 1
    }
    // Sublayer numbers: attention 2(d−1), MLP 2(d−1)+1 (tracr starts counting depth at 1).
    var heads: [Int: [AttentionBlock]] = [:]
    var mlps: [Int: [MLPBlock]] = [:]
    let ordered = g.nodes.map(\.id).filter { nodeDepth[$0] != nil }.enumerated()
        .sorted { (nodeDepth[$0.element]!, $0.offset) < (nodeDepth[$1.element]!, $1.offset) }.map(\.element)
    for id in ordered {
        let sub = 2 * (max(nodeDepth[id]!, 1) - 1)
        switch blocks[id]! {
        case .attention(let h): heads[sub, default: []].append(h)
        case .mlp(let m): mlps[sub + 1, default: []].append(m)
        case .selectorWidth(let h, let m):
            heads[sub, default: []].append(h)
            mlps[sub + 1, default: []].append(m)
        }
    }
    // Pack the non-empty sublayers into alternating attention/MLP slots.
    let subs = Set(heads.keys).union(mlps.keys).sorted()
    var layers: [CraftLayer] = []
    var nextIsAttention = true
    for s in subs {
        let isAttention = s % 2 == 0
        if isAttention {
            layers.append(CraftLayer())   // a skipped MLP slot stays empty
            layers[layers.count - 1].heads = heads[s]!
            nextIsAttention = false
        } else {
            if nextIsAttention { layers.append(CraftLayer()) }
            layers[layers.count - 1].mlp = combineInParallel(mlps[s]!)
            nextIsAttention = true
        }
    }
    return layers
}
