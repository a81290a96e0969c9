# step.py: PyTorch's side of Benchmarks/vs-pytorch/run.sh. Times the same paper-shaped training
# step as graft's bench-engine (METHOD §3.2) with Hugging Face LlamaForCausalLM on SmolLM2-135M's
# shape, fp32, random init (timing only), and prints `RESULT key=value` lines for run.sh.
# Benchmark-only: graft never imports torch. Usage: python step.py THREADS STEPS [--tiny]
import contextlib
import copy
import resource
import sys
import time

import torch
import torch.nn.functional as F
import transformers
from transformers import LlamaConfig, LlamaForCausalLM


def result(key, value):
    print(f"RESULT {key}={value}", flush=True)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tiny = "--tiny" in sys.argv
    bf16 = "--bf16" in sys.argv   # torch.autocast("cpu", dtype=torch.bfloat16) around the forwards
    threads = int(args[0]) if args else 2
    steps = int(args[1]) if len(args) > 1 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(1)

    # SmolLM2-135M (Sources/LM/Model/ModelConfig.swift `smolLM2_135M`); --tiny is bench-engine's tiny shape.
    shape = dict(vocab_size=1000, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, intermediate_size=128, max_position_embeddings=256) if tiny else \
        dict(vocab_size=49152, hidden_size=576, num_hidden_layers=30, num_attention_heads=9,
             num_key_value_heads=3, intermediate_size=1536, max_position_embeddings=8192)
    config = LlamaConfig(**shape, rms_norm_eps=1e-5, rope_theta=100000.0, tie_word_embeddings=True,
                         hidden_act="silu", attention_bias=False, mlp_bias=False)
    rope = getattr(config, "rope_parameters", None) or {"rope_theta": getattr(config, "rope_theta", None)}
    if float(rope.get("rope_theta")) != 100000.0:
        sys.exit(f"step.py: rope theta is {rope}, expected 100000 (transformers {transformers.__version__})")
    student = LlamaForCausalLM(config).float()
    student.train()
    teacher = copy.deepcopy(student).eval()
    teacher.requires_grad_(False)
    n_params = sum(p.numel() for p in student.parameters())
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, threads {torch.get_num_threads()}, "
          f"CPU capability {torch.backends.cpu.get_cpu_capability()}, MKL {torch.backends.mkl.is_available()}, "
          f"attention {student.config._attn_implementation}, {'bf16 autocast' if bf16 else 'fp32'}", flush=True)
    print(f"model: {'TINY smoke shape' if tiny else 'SmolLM2-135M shape'} LlamaForCausalLM, random init, "
          f"{n_params} parameters (tied embeddings)", flush=True)
    result("parameters", n_params)

    rows, task_seq, text_seq = (2 if tiny else 12), 40, 70
    v, d, layers = config.vocab_size, config.hidden_size, config.num_hidden_layers
    text = torch.randint(0, v, (rows, text_seq))
    task = torch.randint(0, v, (rows, task_seq))
    targets = torch.full((rows, task_seq), -100, dtype=torch.long)   # 3 supervised answer positions per row
    for r in range(rows):
        for p in range(36, 39):
            targets[r, p] = (r * 7 + p) % v
    # Same extras as bench-engine: detach-and-roll hook after block 8 (rank-2 projector on
    # coordinate axes, applied as a dense d×d product), cosine-loss gradients on residuals 0..7.
    hook_after = min(8, layers - 1)
    cosine_layers = min(8, hook_after)
    projector = torch.zeros(d, d)
    projector[0, 0] = 1
    projector[1, 1] = 1
    cosine_grads = [(torch.rand(rows, task_seq, d) - 0.5) * 1e-4 for _ in range(cosine_layers)]
    hook_on = [False]

    def detach_and_roll(module, inputs, output):
        if not hook_on[0]:
            return output
        h = output[0] if isinstance(output, tuple) else output
        hp = h @ projector
        new = hp + torch.roll((h - hp).detach(), shifts=1, dims=0)
        return (new,) + tuple(output[1:]) if isinstance(output, tuple) else new

    student.model.layers[hook_after].register_forward_hook(detach_and_roll)
    optimizer = torch.optim.AdamW(student.parameters(), lr=1e-6, weight_decay=0.01)

    def forwards():   # the forwards under autocast when --bf16 (losses computed in fp32 either way)
        return torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()

    def training_step():
        optimizer.zero_grad(set_to_none=True)
        hook_on[0] = True
        with forwards():
            out = student(task, output_hidden_states=True)
        hook_on[0] = False
        loss = F.cross_entropy(out.logits.float().view(-1, v), targets.view(-1), ignore_index=-100)
        for i, g in enumerate(cosine_grads):   # injects g as the gradient of residual i
            loss = loss + (out.hidden_states[i].float() * g).sum()
        loss.backward()
        del out, loss
        with torch.no_grad(), forwards():
            t_logits = teacher(text).logits
        with forwards():
            s_logits = student(text).logits
        kl = F.kl_div(F.log_softmax(s_logits.float().view(-1, v), dim=-1), F.log_softmax(t_logits.float().view(-1, v), dim=-1),
                      log_target=True, reduction="sum") / rows   # KL(teacher ‖ student), sum / batch
        kl.backward()
        del s_logits, t_logits, kl
        optimizer.step()

    training_step()   # warm-up
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        training_step()
        times.append(time.perf_counter() - t0)
    best, mean = min(times), sum(times) / len(times)
    print(f"training step (student fwd+bwd {rows}×{task_seq} task + {rows}×{text_seq} text, teacher fwd "
          f"{rows}×{text_seq}, AdamW): best {best:.2f} s, mean {mean:.2f} s of {steps}", flush=True)
    result("step_seconds_each", ",".join(f"{t:.4f}" for t in times))
    result("step_seconds_best", f"{best:.4f}")
    result("step_seconds_mean", f"{mean:.4f}")
    result("peak_rss_bytes", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


if __name__ == "__main__":
    main()
