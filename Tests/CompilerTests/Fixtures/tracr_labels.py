# Produces the tracr residual labels in this folder (verification only, never run by graft):
# extract tracr (commit 9ce2b8c) to /tmp/tracr_src, stub absl.logging and empty tracr/compiler/__init__.py
# (the front-end needs only numpy and networkx), then `python3 tracr_labels.py dyck > …`.
import sys
sys.path.insert(0, "/tmp/tracr_src/stub"); sys.path.insert(0, "/tmp/tracr_src")
from tracr.rasp import rasp
from tracr.compiler import rasp_to_graph, basis_inference, expr_to_craft_graph, craft_graph_to_model, nodes, lib
from tracr.craft import bases

def labels(program, vocab, max_seq_len, exactness=100):
    ex = rasp_to_graph.extract_rasp_graph(program)
    g, sources, sink = ex.graph, ex.sources, ex.sink
    basis_inference.infer_bases(g, sink, vocab, max_seq_len)
    expr_to_craft_graph.add_craft_components_to_rasp_graph(g, bos_dir=bases.BasisDirection(rasp.tokens.label, "bos"), mlp_exactness=exactness)
    model = craft_graph_to_model.craft_graph_to_model(g, sources)
    tokens = bases.VectorSpaceWithBasis.from_values("tokens", g.nodes["tokens"][nodes.VALUE_SET].union({"bos", "pad"}))
    indices = bases.VectorSpaceWithBasis.from_values("indices", range(max_seq_len))
    out = bases.VectorSpaceWithBasis(sink[nodes.OUTPUT_BASIS])
    res = bases.join_vector_spaces(model.residual_space, tokens, indices, out)
    return [str(d) for d in res.basis], len(model.blocks)

def dyck():
    pairs = [("(", ")"), ("{", "}"), ("[", "]")]
    diffs, negs = [], []
    for l, r in pairs:
        s = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, lambda k, q, l=l: k == l)).named(f"{l}_start_counts")
        e = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, lambda k, q, r=r: k == r)).named(f"{r}_end_counts")
        d = rasp.SequenceMap(lambda a, b: a - b, s, e).named(f"{l}{r}_diffs")
        n = rasp.SelectorWidth(rasp.Select(d, rasp.tokens, lambda k, q: k < 0)).named(f"{l}{r}_negative_counters")
        diffs.append(d); negs.append(n)
    or01 = lambda x, y: 1 if (x != 0 or y != 0) else 0
    an = rasp.SequenceMap(or01, rasp.SequenceMap(or01, negs[0], negs[1]), negs[2]).named("aggregated_negatives")
    t0 = rasp.SequenceMap(or01, diffs[0], diffs[1]).named("aggregated_diffs_tmp_0")
    ad = rasp.SequenceMap(or01, t0, diffs[2]).named("aggregated_diffs")
    u = rasp.SequenceMap(lambda n, d: n == 0 and d == 0, an, ad).named("unfiltered_result")
    return rasp.SequenceMap(lambda r, t: r if t == "compute" else False, u, rasp.tokens).named("final_result")

which = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 120
if which == "dyck":
    labs, n = labels(dyck(), {"(", ")", "[", "]", "{", "}", " ", "compute"}, 40)
elif which == "sort_freq":
    labs, n = labels(lib.make_sort_freq(6), {"a", "b", "c"}, 6)
elif which == "reverse":
    labs, n = labels(lib.make_reverse(rasp.tokens), {"a", "b", "c"}, 4)
elif which == "shuffle_dyck":
    labs, n = labels(lib.make_shuffle_dyck(["()", "{}", "[]"]), {"(", ")", "{", "}", "[", "]", "a"}, 10)
if which in ("dyck","sort_freq","reverse","shuffle_dyck"):
    print(len(labs), n); print("\n".join(labs))

def placement(final_digits, num_digits, anchor, max_len, zero):
    final = zero
    eq = rasp.Select(rasp.tokens, rasp.Map(lambda x: anchor, rasp.tokens), rasp.Comparison.EQ).named("equals_selector")
    pos = rasp.Aggregate(eq, rasp.indices).named("equals_pos")
    for d in range(3):
        def loc(x, y, d=d):
            l = x + y - d - 1
            return 0 if (l >= max_len or l <= 0) else l
        t = rasp.SequenceMap(loc, pos, num_digits).named(f"target_{d}_location")
        m = rasp.SequenceMap(lambda x, y: int(x == y), t, rasp.indices).named(f"tmp_mask_{d}_digit")
        p = (final_digits[d] * m).named(f"digit_{d}_correct_place")
        final = rasp.SequenceMap(lambda x, y: 0 if x + y >= 10 else x + y, final, p).named(f"tmp_result_{d}_digit")
    return final

def ndigits(digits, zero):
    nd = zero; has = zero
    for d in [2, 1, 0]:
        has = rasp.SequenceMap(lambda x, y: 1 if x + y > 0 else 0, digits[d], has).named(f"has_{d}_digit")
        nd = nd + has
    return nd

def count():
    zero = rasp.Map(lambda _: 0, rasp.tokens)
    masked = rasp.tokens == "yes"
    ones = rasp.Map(lambda _: 1, rasp.indices)
    c = rasp.SelectorWidth(rasp.Select(masked, ones, rasp.Comparison.EQ))
    digits = [rasp.Map(lambda x, d=d: (x // (10 ** d)) % 10, c) for d in range(3)]
    return placement(digits, ndigits(digits, zero), "count", N, zero).named("final_result")

def isd(x): return isinstance(x, int) or x.isdigit()
def zsb(k, sop):
    s = rasp.Select(rasp.indices, rasp.indices, lambda kk, q: q == kk + k or (q - k < 0 and kk == 0))
    return rasp.SequenceMap(lambda v, i: v if i >= k else 0, rasp.Aggregate(s, sop, default=None), rasp.indices)

def intsum():
    zero = rasp.Map(lambda _: 0, rasp.tokens)
    numbers = rasp.Map(lambda x: int(x) if x.isdigit() else 0, rasp.tokens).named("numbers")
    ended = rasp.SequenceMap(lambda x, y: isd(x) and not isd(y), lib.shift_by(1, rasp.tokens), rasp.tokens)
    ce = rasp.SelectorWidth(rasp.Select(ended, rasp.Map(lambda x: True, rasp.tokens), rasp.Comparison.EQ))
    second = rasp.SequenceMap(lambda x, m: int(x) if x.isdigit() and m > 0 else 0, rasp.tokens, ce)
    A = [rasp.SequenceMap(lambda x, y: x if y else 0, zsb(i, numbers), ended) for i in range(1, 4)]
    B = [rasp.SequenceMap(lambda x, y: x if y else 0, zsb(i, second), ended) for i in range(1, 4)]
    nid = rasp.SelectorWidth(rasp.Select(ended, ended, rasp.Comparison.EQ))
    nidc = rasp.SequenceMap(lambda n, c: n if c else 0, nid, ended)
    a2 = rasp.Map(lambda x: 1 if x > 1 else 0, ce)
    g1 = rasp.Select(nidc, a2, lambda n, e: n == e)
    g2 = rasp.Select(nidc, a2 * 2, lambda n, e: n == e)
    sums = [rasp.Map(lambda x: x if x > 0 else 0, rasp.Aggregate(g1, A[i]) + rasp.Aggregate(g2, B[i])) for i in range(3)]
    carry = zero; fin = []
    for d in range(3):
        fin.append(rasp.SequenceMap(lambda l, c: (l + c) % 10, sums[d], carry).named(f"final_{d}_digit"))
        carry = rasp.SequenceMap(lambda l, c: (l + c) // 10, sums[d], carry).named(f"next_carry_{d}_digit")
    return placement(fin, ndigits(fin, zero), "=", 16, zero).named("final_result")

if which == "count":
    labs, n = labels(count(), {str(i) for i in range(N)} | {"yes", "no", "count"}, N, 10000)
    print(len(labs), n); print("\n".join(labs))
if which == "intsum":
    labs, n = labels(intsum(), {str(i) for i in range(10)} | {"+", "=", " "}, 16)
    print(len(labs), n); print("\n".join(labs))
