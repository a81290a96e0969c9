# Reference values for graft's GGUF dequantisation tests (LMLoaderTests/GGUFDequantizeTests):
# decodes a few tensors of the default SmolLM2 file with the `gguf` PyPI package (llama.cpp's
# own Python reader) and prints sums and sample values to pin. Run by hand, never by tests:
#   pip install gguf numpy && python3 scripts/reference/gguf_dequant_reference.py FILE.gguf
import sys
import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

r = GGUFReader(sys.argv[1])
by_name = {t.name: t for t in r.tensors}
for name in ["token_embd.weight", "blk.0.attn_q.weight", "blk.0.ffn_down.weight", "blk.29.attn_k.weight",
             "blk.0.attn_norm.weight", "output_norm.weight"]:
    t = by_name[name]
    x = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1)
    x64 = x.astype(np.float64)
    idx = [i for i in [0, 1, 31, 32, 1000, x.size - 1] if i < x.size]
    print(f'{name} {t.tensor_type.name} n={x.size} sum={x64.sum():.6f} abssum={np.abs(x64).sum():.6f} '
          + " ".join(f"[{i}]={float(x[i])!r}" for i in idx))
