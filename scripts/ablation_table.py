#!/usr/bin/env python3
"""Table of a distill ablation sweep (scripts/ablation.sh): one row per variant with its flags,
the validation exact-match accuracy at every measured step, the first step at which it reached
the target, the final mean cosine per aligned layer and the seconds per step. Markdown on stdout.

    python3 scripts/ablation_table.py SWEEP_DIR [--target 0.95]
"""
import json, os, sys

def first_reached(curve, target):
    """'S' when the curve is at or above target from step S to the end, 'S (not held)' when it
    reached it at S but fell below later, None when never."""
    steps = sorted(curve)
    first = next((st for st in steps if curve[st] >= target), None)
    if first is None:
        return None
    held = next((st for st in steps if all(curve[x] >= target for x in steps if x >= st)), None)
    return str(held) if held == first else (f"{held} ({first} first)" if held else f"{first} (not held)")

def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    root, target = args[0], 0.95
    if "--target" in args:
        target = float(args[args.index("--target") + 1])
    rows, steps = [], set()
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "summary.json")
        partial = os.path.join(root, name, "curve.json")
        if os.path.isfile(path):
            s = json.load(open(path))
        elif os.path.isfile(partial):
            # A run stopped before its end: the curve comes from its last checkpoint (curve.json,
            # pairs [step, accuracy]); cosines from the log's last 10 steps; no timing.
            c = json.load(open(partial))
            log = [json.loads(l) for l in open(os.path.join(root, name, "log.jsonl"))]
            tail = [l["cos"] for l in log[-10:] if "cos" in l]
            s = {"validation_accuracy_curve": [{"step": a, "accuracy": b} for a, b in c["validation_accuracy_curve"]],
                 "validation_accuracy_rolled_curve": [{"step": a, "accuracy": b} for a, b in c.get("validation_accuracy_rolled_curve", [])],
                 "cosine_per_layer": [sum(x) / len(tail) for x in zip(*tail)] if tail else None,
                 "seconds_per_step": None, "examples": {"validation": c["validation_examples"]},
                 "stopped_after": c["interrupted_after_step"]}
        else:
            continue
        curve = {p["step"]: p["accuracy"] for p in s["validation_accuracy_curve"]}
        steps |= set(curve)
        flags = open(os.path.join(root, name, "flags.txt")).read().strip() if os.path.exists(os.path.join(root, name, "flags.txt")) else ""
        reached = first_reached(curve, target)
        cos = s.get("cosine_per_layer") or []
        rolled = {p["step"]: p["accuracy"] for p in s.get("validation_accuracy_rolled_curve") or []}
        # Per-token answer accuracy of the training batches while detach-and-roll acted, last 20 such steps.
        log = [json.loads(l) for l in open(os.path.join(root, name, "log.jsonl"))]
        hooked = [l["answer_accuracy"] for l in log if l.get("detach_and_roll")][-20:]
        under = sum(hooked) / len(hooked) if hooked else None
        # Accuracy of each answer token at the last validation (logged since the answer-token diagnostic).
        vt = [l for l in log if "validation_token_accuracy" in l]
        tokens = ("/".join(f"{100 * a:.0f}" for a in vt[-1]["validation_token_accuracy"]) +
                  (" (rolled " + "/".join(f"{100 * a:.0f}" for a in vt[-1]["validation_token_accuracy_rolled"]) + ")"
                   if "validation_token_accuracy_rolled" in vt[-1] else "")) if vt else "–"
        if "stopped_after" in s:
            name += f" (stopped after step {s['stopped_after']})"
        rows.append((name, flags, curve, reached, cos, s["seconds_per_step"], s["examples"]["validation"], s.get("adapter_init"), rolled, under, tokens))
    steps = sorted(steps)
    machine = os.path.join(root, "machine.txt")
    if os.path.exists(machine):
        print("Machine: " + "; ".join(l.strip() for l in open(machine) if l.strip()) + "\n")
    n_val = rows[0][6] if rows else 0
    print(f"Validation exact match (%) on {n_val} held-out training examples, by step; "
          f"'steps to {target:.0%}' is the first measured step from which the curve stays at or above it.\n")
    print("Each variant's first line is the plain validation accuracy; an injection run's second line ('rolled') is the "
          "same examples with detach-and-roll acting (everything outside the output subspace taken from another "
          "example in the batch), where measured. 'answer acc. under D&R' is the per-token answer accuracy of the "
          "training batches over the last 20 steps with detach-and-roll acting. 'answer tokens' is the validation accuracy (%) "
          "of answer token 1, 2, … (teacher forced) at the last measured step, plain and rolled.\n")
    print("| variant | flags | " + " | ".join(str(s) for s in steps) + f" | steps to {target:.0%} | answer tokens | answer acc. under D&R | mean cos (layers 0…k) | s/step |")
    print("|---|---|" + "---:|" * len(steps) + "---:|---|---:|---|---:|")
    for name, flags, curve, reached, cos, sps, _, fit, rolled, under, tokens in rows:
        accs = " | ".join(f"{100 * curve[s]:.0f}" if s in curve else "" for s in steps)
        cs = " ".join(f"{c:.2f}" for c in cos) if cos else "–"
        u = f"{100 * under:.0f} %" if under is not None else "–"
        t = f"{sps:.2f}" if sps is not None else "–"
        print(f"| {name} | `{flags}` | {accs} | {reached if reached is not None else '–'} | {tokens} | {u} | {cs} | {t} |")
        if rolled:
            r = " | ".join(f"{100 * rolled[s]:.0f}" if s in rolled else "" for s in steps)
            rr = first_reached(rolled, target)
            print(f"| {name}, rolled | | {r} | {rr if rr is not None else '–'} | | | | |")
    fits = [(r[0], r[7]) for r in rows if r[7]]
    if fits:
        print("\nLeast-squares adapter initialisation (cosine per layer of the fit on the untouched LM, before training):\n")
        for n, f in fits:
            print(f"- {n}: {f['rows']} rows from {f['examples']} examples, {f['seconds']:.0f} s: " + " ".join(f"{c:.2f}" for c in f["cosine_per_layer"]))

main()
