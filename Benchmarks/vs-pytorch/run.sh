#!/usr/bin/env bash
# run.sh: graft's training step against PyTorch's, side by side in one run (issue 4's targets:
# ≥ 1.5× faster, ≥ 60 % of the measured sgemm peak, peak RSS ≤ PyTorch's). Installs pinned CPU
# torch + transformers into a git-ignored venv (benchmark only, never a graft dependency), picks
# the OpenBLAS core by measuring sgemm, then times both steps, each in its own process.
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
echo "shape: $shape; fp32; threads $threads; $steps timed steps after 1 warm-up, each side"

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

# MARK: - the two steps, each in its own process, peak RSS from /usr/bin/time -v
echo "== graft (bench-engine $threads $steps $tiny)"
"${nice_cmd[@]}" /usr/bin/time -v -o "$work/graft.time" env "${graft_env[@]}" "$engine" "$threads" "$steps" $tiny \
    | tee "$work/graft.txt" | grep -v '^RESULT'
echo "== PyTorch (step.py $threads $steps $tiny)"
"${nice_cmd[@]}" /usr/bin/time -v -o "$work/torch.time" "$venv/bin/python" "$root/Benchmarks/vs-pytorch/step.py" "$threads" "$steps" $tiny \
    | tee "$work/torch.txt" | grep -v '^RESULT'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

# MARK: - side-by-side table and verdict
rss() { sed -n 's/^\tMaximum resident set size (kbytes): //p' "$1"; }
g_mean="$(result step_seconds_mean "$work/graft.txt")"; t_mean="$(result step_seconds_mean "$work/torch.txt")"
g_best="$(result step_seconds_best "$work/graft.txt")"; t_best="$(result step_seconds_best "$work/torch.txt")"
g_each="$(result step_seconds_each "$work/graft.txt")"; t_each="$(result step_seconds_each "$work/torch.txt")"
g_params="$(result parameters "$work/graft.txt")"; t_params="$(result parameters "$work/torch.txt")"
tflop="$(result step_tflop "$work/graft.txt")"; peak="$(result sgemm_peak_gflops "$work/graft.txt")"
inside="$(result inside_sgemm_gflops "$work/graft.txt")"
g_rss="$(rss "$work/graft.time")"; t_rss="$(rss "$work/torch.time")"
for x in g_mean t_mean g_best t_best tflop peak inside g_rss t_rss; do
    [ -n "${!x}" ] || { echo "run.sh: no figure for $x (see the output above)" >&2; exit 1; }
done
[ "$g_params" = "$t_params" ] || echo "WARNING: parameter counts differ: graft $g_params, PyTorch $t_params"

echo "== side by side (same shape, $steps timed steps each; FLOPs = bench-engine's count, $tflop TFLOP/step)"
awk -v gm="$g_mean" -v tm="$t_mean" -v gb="$g_best" -v tb="$t_best" -v f="$tflop" -v p="$peak" \
    -v gr="$g_rss" -v tr="$t_rss" -v ge="$g_each" -v te="$t_each" -v params="$g_params" -v ins="$inside" 'BEGIN {
    printf "  %-34s %16s %16s %12s\n", "", "graft", "PyTorch", "PyTorch/graft"
    printf "  %-34s %16.2f %16.2f %11.2fx\n", "step seconds, mean", gm, tm, tm / gm
    printf "  %-34s %16.2f %16.2f %11.2fx\n", "step seconds, best", gb, tb, tb / gb
    printf "  %-34s %16s %16s\n", "each timed step, s", ge, te
    printf "  %-34s %16.1f %16.1f\n", "GFLOP/s at the mean", f * 1000 / gm, f * 1000 / tm
    printf "  %-34s %15.0f%% %15.0f%%\n", "share of graft'"'"'s sgemm peak", 100 * f * 1000 / gm / p, 100 * f * 1000 / tm / p
    printf "  %-34s %16.2f %16.2f %11.2fx\n", "peak RSS, GB (/usr/bin/time -v)", gr * 1024 / 1e9, tr * 1024 / 1e9, tr / gr
    printf "  %-34s %16d %16d\n", "parameters", params, params
    printf "  sgemm peak measured by graft'"'"'s process: %.1f GFLOP/s\n", p
    print "== verdict against issue 4'"'"'s targets"
    printf "  speed   PyTorch/graft = %.3fx on the mean step (target >= 1.5x): %s\n", tm / gm, (tm / gm >= 1.5 ? "MET" : "MISSED")
    printf "  sgemm   inside graft'"'"'s sgemm calls %.1f GFLOP/s = %.0f%% of the sgemm peak (target >= 60%%): %s (whole step: %.0f%%)\n",
        ins, 100 * ins / p, (ins / p >= 0.6 ? "MET" : "MISSED"), 100 * f * 1000 / gm / p
    printf "  memory  graft %.2f GB vs PyTorch %.2f GB peak RSS (target <=): %s\n", gr * 1024 / 1e9, tr * 1024 / 1e9, (gr <= tr ? "MET" : "MISSED")
}'
