#!/usr/bin/env bash
# run.sh: graft's training step against PyTorch's, side by side in one run (issues 4 and 15):
# graft fp32 and PyTorch fp32 everywhere, and on CPUs with bf16 units also graft bf16 (oneDNN)
# and PyTorch bf16 autocast. Installs pinned CPU torch + transformers into a git-ignored venv
# (benchmark only, never a graft dependency), picks the OpenBLAS core by measuring sgemm, then
# times each step in its own process.
# Usage: Benchmarks/vs-pytorch/run.sh [--tiny] [--steps N] [--threads N] [--nice]
set -euo pipefail

TORCH_VERSION="2.13.0+cpu"
TRANSFORMERS_VERSION="5.23.0"
CPU_INDEX="https://download.pytorch.org/whl/cpu"

tiny=""; steps=3; threads=2; nice_cmd=()
while [ $# -gt 0 ]; do
    case "$1" in
        --tiny) tiny="--tiny" ;;
        --steps) steps="$2"; shift ;;
        --threads) threads="$2"; shift ;;
        --nice) nice_cmd=(nice -n 19) ;;
        *) echo "run.sh: unknown argument '$1' (use --tiny, --steps N, --threads N, --nice)" >&2; exit 2 ;;
    esac
    shift
done
case "$steps$threads" in *[!0-9]*|"") echo "run.sh: --steps and --threads take positive integers" >&2; exit 2 ;; esac
[ "$steps" -ge 1 ] || { echo "run.sh: --steps must be at least 1" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/.bench-venv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# MARK: - PyTorch venv (pinned; the CPU wheel index when reachable, else PyPI / pip's find-links)
if ! "$venv/bin/python" -c "import torch, transformers" 2>/dev/null; then
    python3 -m venv "$venv"
    if python3 -c "import urllib.request; urllib.request.urlopen('$CPU_INDEX/torch/', timeout=10)" 2>/dev/null; then
        echo "installing torch==$TORCH_VERSION from $CPU_INDEX"
        "$venv/bin/pip" install -q --index-url "$CPU_INDEX" "torch==$TORCH_VERSION"
    else
        echo "$CPU_INDEX is not reachable: installing torch==$TORCH_VERSION through pip's default index and find-links"
        "$venv/bin/pip" install -q "torch==$TORCH_VERSION"
    fi
    "$venv/bin/pip" install -q "transformers==$TRANSFORMERS_VERSION"
fi
installed="$("$venv/bin/python" -c "import torch, transformers; print(torch.__version__, transformers.__version__)")"
if [ "$installed" != "$TORCH_VERSION $TRANSFORMERS_VERSION" ]; then
    echo "run.sh: $venv has torch/transformers '$installed', expected '$TORCH_VERSION $TRANSFORMERS_VERSION'; delete $venv and rerun" >&2
    exit 1
fi

# MARK: - graft's benchmark, release build
"${nice_cmd[@]}" swift build -c release --product bench-engine 2>&1 | tail -1
engine="$root/.build/release/bench-engine"

echo "== machine"
echo "date $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "graft $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Benchmarks || echo ' + local changes'), torch $TORCH_VERSION, transformers $TRANSFORMERS_VERSION"
if [ -n "$tiny" ]; then shape="TINY smoke shape (2 layers, d 64, vocab 1000), 2×40 task + 2×70 text"
else shape="SmolLM2-135M (30 layers, d 576, vocab 49152, random init), 12×40 task + 12×70 text"; fi
echo "shape: $shape; threads $threads; $steps timed steps after 1 warm-up, each leg"

result() { sed -n "s/^RESULT $1=//p" "$2" | tail -1; }

# MARK: - OpenBLAS core: the default pick and the forced AVX-512 / AVX2 kernels, sgemm measured
echo "== OpenBLAS core (sgemm peak on the training shapes, best of 5 per shape)"
best_core=""; best_peak=0
for core in default SkylakeX Cooperlake Haswell; do
    env_args=(OPENBLAS_VERBOSE=2)
    [ "$core" = default ] || env_args+=(OPENBLAS_CORETYPE="$core")
    "${nice_cmd[@]}" env "${env_args[@]}" "$engine" "$threads" 0 sgemm $tiny > "$work/sgemm-$core.txt" 2>&1
    picked="$(result blas_core "$work/sgemm-$core.txt")"
    verbose="$(grep -m1 -i '^Core:' "$work/sgemm-$core.txt" || true)"
    peak="$(result sgemm_peak_gflops "$work/sgemm-$core.txt")"
    printf "  %-30s -> core %-11s %-18s sgemm peak %7.1f GFLOP/s\n" \
        "$([ "$core" = default ] && echo "OPENBLAS_CORETYPE unset" || echo "OPENBLAS_CORETYPE=$core")" \
        "$picked" "(${verbose:-no VERBOSE line})" "$peak"
    if awk -v a="$peak" -v b="$best_peak" 'BEGIN { exit !(a > b) }'; then best_core="$core"; best_peak="$peak"; fi
done
echo "chosen: $([ "$best_core" = default ] && echo "OPENBLAS_CORETYPE unset (default pick)" || echo "OPENBLAS_CORETYPE=$best_core") (fastest sgemm above)"
graft_env=()
[ "$best_core" = default ] || graft_env=(OPENBLAS_CORETYPE="$best_core")

# MARK: - the four steps, each in its own process, peak RSS from /usr/bin/time -v
# graft fp32 (OpenBLAS sgemm), graft bf16 (oneDNN, where the CPU has bf16 units), PyTorch fp32,
# PyTorch bf16 autocast: the same work per step.
has_bf16=0
grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo && has_bf16=1
legs=(graft-fp32 torch-fp32)
[ "$has_bf16" = 1 ] && legs=(graft-fp32 graft-bf16 torch-fp32 torch-bf16)
for leg in "${legs[@]}"; do
    echo "== $leg"
    case "$leg" in
        graft-*) "${nice_cmd[@]}" /usr/bin/time -v -o "$work/$leg.time" env "${graft_env[@]}" "$engine" "$threads" "$steps" $tiny \
                     --precision="${leg#graft-}" | tee "$work/$leg.txt" | grep -v '^RESULT' ;;
        torch-*) flag=""; [ "$leg" = torch-bf16 ] && flag="--bf16"
                 "${nice_cmd[@]}" /usr/bin/time -v -o "$work/$leg.time" "$venv/bin/python" "$root/Benchmarks/vs-pytorch/step.py" \
                     "$threads" "$steps" $tiny $flag | tee "$work/$leg.txt" | grep -v '^RESULT' ;;
    esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

# MARK: - side-by-side table and verdict
rss() { sed -n 's/^\tMaximum resident set size (kbytes): //p' "$1"; }
tflop="$(result step_tflop "$work/graft-fp32.txt")"; peak="$(result sgemm_peak_gflops "$work/graft-fp32.txt")"
bf_peak="$(result bf16_peak_gflops "$work/graft-fp32.txt")"
[ -n "$tflop" ] && [ -n "$peak" ] || { echo "run.sh: no figures from graft (see the output above)" >&2; exit 1; }
table="$work/table.txt"; : > "$table"
for leg in "${legs[@]}"; do
    mean="$(result step_seconds_mean "$work/$leg.txt")"; best="$(result step_seconds_best "$work/$leg.txt")"
    r="$(rss "$work/$leg.time")"; ins="$(result inside_sgemm_gflops "$work/$leg.txt")"
    [ -n "$mean" ] && [ -n "$best" ] && [ -n "$r" ] || { echo "run.sh: no figures for $leg (see the output above)" >&2; exit 1; }
    echo "$leg $mean $best $r ${ins:--}" >> "$table"
done
g_params="$(result parameters "$work/graft-fp32.txt")"; t_params="$(result parameters "$work/torch-fp32.txt")"
[ "$g_params" = "$t_params" ] || echo "WARNING: parameter counts differ: graft $g_params, PyTorch $t_params"

echo "== side by side (same shape, $steps timed steps each; FLOPs = bench-engine's count, $tflop TFLOP/step)"
echo "   matmul peaks measured by graft's process on the training shapes: sgemm $peak GFLOP/s, bf16 ${bf_peak:-n/a} GFLOP/s"
awk -v f="$tflop" -v p="$peak" -v bp="${bf_peak:-0}" '
{ leg[NR] = $1; mean[$1] = $2; best[$1] = $3; rss[$1] = $4; ins[$1] = $5; n = NR }
END {
    printf "  %-12s %10s %10s %12s %10s %16s\n", "", "mean s", "best s", "GFLOP/s", "RSS GB", "inside matmuls"
    for (i = 1; i <= n; i++) {
        l = leg[i]
        printf "  %-12s %10.2f %10.2f %12.1f %10.2f %16s\n", l, mean[l], best[l], f * 1000 / mean[l], rss[l] * 1024 / 1e9, ins[l] == "-" ? "-" : ins[l] " GFLOP/s"
    }
    print "== verdict against issue 15'"'"'s targets"
    r = mean["torch-fp32"] / mean["graft-fp32"]
    printf "  graft fp32 vs PyTorch fp32: %.2fx on the mean step (target >= 1.5x without bf16 units): %s\n", r, (r >= 1.5 ? "MET" : "MISSED")
    printf "  inside graft fp32'"'"'s sgemm calls: %.0f%% of the sgemm peak (target >= 80%%); whole step %.0f%% (target >= 60%%)\n", 100 * ins["graft-fp32"] / p, 100 * f * 1000 / mean["graft-fp32"] / p
    if ("graft-bf16" in mean) {
        a = mean["torch-fp32"] / mean["graft-bf16"]; b = mean["torch-bf16"] / mean["graft-bf16"]
        printf "  graft bf16 vs PyTorch fp32: %.2fx (target >= 3x with AMX-BF16)\n", a
        printf "  graft bf16 vs PyTorch bf16 autocast: %.2fx (target >= 1.2x with AMX-BF16)\n", b
        printf "  graft bf16 vs graft fp32: %.2fx\n", mean["graft-fp32"] / mean["graft-bf16"]
        printf "  inside graft bf16'"'"'s matmuls: %.0f%% of the bf16 peak (target >= 80%%); whole step %.0f%% (target >= 60%%)\n", 100 * ins["graft-bf16"] / bp, 100 * f * 1000 / mean["graft-bf16"] / bp
    }
    printf "  memory: graft fp32 %.2f GB vs PyTorch fp32 %.2f GB peak RSS\n", rss["graft-fp32"] * 1024 / 1e9, rss["torch-fp32"] * 1024 / 1e9
}' "$table"
