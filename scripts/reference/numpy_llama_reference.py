# An independent float32 numpy forward of a Llama GGUF in Hugging Face conventions (weights
# decoded by the `gguf` package, Q/K rows un-permuted to HF order, rotate-half RoPE), printing
# next-token top-1 ids per position for prompts given as token-id arrays. It checks graft's
# layout conventions against llama.cpp (scripts/reference/top1_llamacpp.jsonl). Run by hand:
#   python3 numpy_llama_reference.py MODEL.gguf < top1_llamacpp.jsonl
import json, sys
import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

r = GGUFReader(sys.argv[1])
f = lambda k: r.fields[k].contents()
L, D, H, KV, F = f("llama.block_count"), f("llama.embedding_length"), f("llama.attention.head_count"), f("llama.attention.head_count_kv"), f("llama.feed_forward_length")
theta, eps, hd = f("llama.rope.freq_base"), f("llama.attention.layer_norm_rms_epsilon"), D // H
W = {t.name: dequantize(t.data, t.tensor_type).astype(np.float32).reshape([int(x) for x in reversed(t.shape)]) for t in r.tensors}

def unpermute(w, heads):   # GGUF row 2i+j of a head → HF row j*hd/2 + i
    return w.reshape(heads, hd // 2, 2, -1).swapaxes(1, 2).reshape(w.shape)

def rms(x, g): return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g

def rope(x, pos):          # x [T, heads, hd], HF rotate-half
    inv = theta ** (-np.arange(0, hd, 2, dtype=np.float64) / hd)
    ang = np.outer(pos, inv)
    cos, sin = np.cos(np.concatenate([ang, ang], -1))[:, None, :], np.sin(np.concatenate([ang, ang], -1))[:, None, :]
    rot = np.concatenate([-x[..., hd // 2:], x[..., :hd // 2]], -1)
    return (x * cos + rot * sin).astype(np.float32)

def forward(ids):
    T = len(ids)
    x = W["token_embd.weight"][ids]
    mask = np.triu(np.full((T, T), -np.inf, dtype=np.float32), 1)
    for i in range(L):
        p = f"blk.{i}."
        h = rms(x, W[p + "attn_norm.weight"])
        q = rope((h @ unpermute(W[p + "attn_q.weight"], H).T).reshape(T, H, hd), np.arange(T))
        k = rope((h @ unpermute(W[p + "attn_k.weight"], KV).T).reshape(T, KV, hd), np.arange(T))
        v = (h @ W[p + "attn_v.weight"].T).reshape(T, KV, hd)
        out = np.zeros((T, H, hd), dtype=np.float32)
        for hh in range(H):
            g = hh // (H // KV)
            s = q[:, hh] @ k[:, g].T / np.sqrt(hd) + mask
            s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
            out[:, hh] = s @ v[:, g]
        x = x + out.reshape(T, D) @ W[p + "attn_output.weight"].T
        h = rms(x, W[p + "ffn_norm.weight"])
        gate = h @ W[p + "ffn_gate.weight"].T
        x = x + ((gate / (1 + np.exp(-gate))) * (h @ W[p + "ffn_up.weight"].T)) @ W[p + "ffn_down.weight"].T
    return rms(x, W["output_norm.weight"]) @ W["token_embd.weight"].T

agree = total = 0
for line in sys.stdin:
    ref = json.loads(line)
    logits = forward(np.array(ref["ids"]))
    top1 = logits.argmax(-1).tolist()
    same = sum(a == b for a, b in zip(top1, ref["top1"]))
    agree += same; total += len(top1)
    print(json.dumps({"ids": ref["ids"], "top1": top1, "agree_with_llamacpp": f"{same}/{len(top1)}",
                      "last_top5": np.argsort(-logits[-1])[:5].tolist()}))
print(f"top-1 agreement with llama.cpp: {agree}/{total}", file=sys.stderr)
