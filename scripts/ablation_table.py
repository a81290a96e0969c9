#!/usr/bin/env python3
"""Table of a distill ablation sweep (scripts/ablation.sh): one row per variant with its flags,
the validation exact-match accuracy at every measured step, the first step at which it reached
the target, the final mean cosine per aligned layer and the seconds per step. Markdown on stdout.

    python3 scripts/ablation_table.py SWEEP_DIR [--target 0.95]
"""
import json, os, sys

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
        if not os.path.isfile(path):
            continue
        s = json.load(open(path))
        curve = {p["step"]: p["accuracy"] for p in s["validation_accuracy_curve"]}
        steps |= set(curve)
        flags = open(os.path.join(root, name, "flags.txt")).read().strip() if os.path.exists(os.path.join(root, name, "flags.txt")) else ""
        reached = next((st for st in sorted(curve) if curve[st] >= target), None)
        cos = s.get("cosine_per_layer") or []
        rows.append((name, flags, curve, reached, cos, s["seconds_per_step"], s["examples"]["validation"], s.get("adapter_init")))
    steps = sorted(steps)
    machine = os.path.join(root, "machine.txt")
    if os.path.exists(machine):
        print("Machine: " + "; ".join(l.strip() for l in open(machine) if l.strip()) + "\n")
    n_val = rows[0][6] if rows else 0
    print(f"Validation exact match (%) on {n_val} held-out training examples, by step; "
          f"'steps to {target:.0%}' is the first measured step at or above it.\n")
    print("| variant | flags | " + " | ".join(str(s) for s in steps) + f" | steps to {target:.0%} | mean cos (layers 0…k) | s/step |")
    print("|---|---|" + "---:|" * len(steps) + "---:|---|---:|")
    for name, flags, curve, reached, cos, sps, _, fit in rows:
        accs = " | ".join(f"{100 * curve[s]:.0f}" if s in curve else "" for s in steps)
        cs = " ".join(f"{c:.2f}" for c in cos) if cos else "–"
        print(f"| {name} | `{flags}` | {accs} | {reached if reached is not None else '–'} | {cs} | {sps:.2f} |")
    fits = [(n, f) for n, _, _, _, _, _, _, f in rows if f]
    if fits:
        print("\nLeast-squares adapter initialisation (cosine per layer of the fit on the untouched LM, before training):\n")
        for n, f in fits:
            print(f"- {n}: {f['rows']} rows from {f['examples']} examples, {f['seconds']:.0f} s: " + " ".join(f"{c:.2f}" for c in f["cosine_per_layer"]))

main()
