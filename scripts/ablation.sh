#!/usr/bin/env bash
# The distill ablation sweep (issue 14): runs variants of one task on a small budget, one after
# another, and keeps each run's summary (with its validation accuracy-versus-steps curve) and
# per-step log; scripts/ablation_table.py then writes the table "variant → accuracy per step,
# steps to the target". Inputs are the default profile's compiled model and data, made by
# `pipeline run` and taken out with `pipeline export`. A variant whose summary exists is skipped,
# so an interrupted sweep resumes.
#
#   bash scripts/ablation.sh TASK STEPS OUTDIR NAME=FLAGS [NAME=FLAGS ...]
#   e.g. bash scripts/ablation.sh dyck 120 docs/ablation/dyck paper="--method injection" \
#          ls="--method injection --adapter-init least-squares"
# Environment: VALIDATION (held-out examples, default 200), EVERY (validate every N steps, default 20),
# THREADS (distill --threads, default 2; give two sweeps run side by side 1 each),
# BIN (folder of the built executables, default .build/release; copy them elsewhere to keep
# building while a sweep runs), KEEP_WEIGHTS (a folder: move each run's weights there as
# <outdir-name>-<variant>.safetensors, e.g. for decode's --answer-probe; default: delete them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
task=$1; steps=$2; out=$3; shift 3
case "$task" in dyck|count|sum) ;; *) echo "ablation: task must be dyck, count or sum, not '$task'" >&2; exit 2 ;; esac
[[ "$steps" =~ ^[1-9][0-9]*$ ]] || { echo "ablation: STEPS must be a positive integer, not '$steps'" >&2; exit 2; }
validation=${VALIDATION:-200}; every=${EVERY:-20}; threads=${THREADS:-2}
bin=${BIN:-.build/release}
[ -x $bin/distill ] || { echo "ablation: build first (swift build -c release)" >&2; exit 1; }
inputs=$out/inputs
mkdir -p "$out"
if [ ! -f "$inputs/data/train.jsonl" ]; then
  $bin/pipeline run "compile/$task" "data/$task" data/corpora
  rm -rf "$inputs"
  $bin/pipeline export "compile/$task" --to "$inputs/compile"
  $bin/pipeline export "data/$task" --to "$inputs/data"
  $bin/pipeline export data/corpora --to "$inputs/corpora"
fi
for variant in "$@"; do
  name=${variant%%=*}; flags=${variant#*=}
  dir=$out/$name
  if [ -f "$dir/summary.json" ]; then echo "ablation: $name done already"; continue; fi
  mkdir -p "$dir"
  { echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' '))"; $bin/graft-lm blas | sed -n '3p'
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ' + uncommitted changes in Sources')"; } > "$dir/machine.txt"
  echo "ablation: $task $name: $flags" >&2
  # shellcheck disable=SC2086
  $bin/distill --task "$task" --profile default --steps "$steps" --validation-examples "$validation" --validate-every "$every" --threads "$threads" \
    --compiled "$inputs/compile/model.safetensors" --train "$inputs/data/train.jsonl" --documents "$inputs/corpora/documents.jsonl" \
    --out-weights "$dir/weights.safetensors" --out-adapter "$dir/adapter.safetensors" --out-log "$dir/log.jsonl" \
    --out-summary "$dir/summary.json" --checkpoint-dir "$dir/checkpoint" $flags > "$dir/stdout.log" 2>&1
  echo "$flags" > "$dir/flags.txt"
  if [ -n "${KEEP_WEIGHTS:-}" ]; then
    mkdir -p "$KEEP_WEIGHTS"; mv "$dir/weights.safetensors" "$KEEP_WEIGHTS/$(basename "$out")-$name.safetensors"
  else
    rm -f "$dir/weights.safetensors"        # 540 MB each; the curves are what the sweep keeps
  fi
done
