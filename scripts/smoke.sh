#!/usr/bin/env bash
# The whole DAG end to end with the `smoke` profile, in a scratch copy of the repository's
# pipeline (its own artifacts/ store, so the checkout's store and pipeline.lock are untouched),
# then a check that the report exists and that every cell of every table in report.md is
# filled: a number or an explicit "not run: reason". Called by `scripts/graft.sh test`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scratch=$(mktemp -d "${TMPDIR:-/tmp}/graft-smoke.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp pipeline.json pipeline.lock "$scratch/"
cp -R stages "$scratch/stages"
for d in Sources .build vendor; do ln -s "$repo/$d" "$scratch/$d"; done

echo "graft smoke: pipeline run --profile smoke in $scratch" >&2
started=$(date +%s)
.build/release/pipeline run --root "$scratch" --profile smoke
echo "graft smoke: the DAG took $(( $(date +%s) - started )) s" >&2

object() {   # object <stage> <output name> → path of the stored object
  local h
  h=$(.build/release/pipeline show --root "$scratch" "$1" | awk -v o="$2" '$1 == "output" && $2 == o { print $4 }')
  [ -n "$h" ] || { echo "graft smoke: $1 has no output $2" >&2; exit 1; }
  echo "$scratch/artifacts/objects/${h:0:2}/$h.zst"
}
md=$(zstd -dc "$(object report md)")
html=$(zstd -dc "$(object report html)")
[ -n "$md" ] && [ -n "$html" ] || { echo "graft smoke: the report is empty" >&2; exit 1; }
grep -q '</html>' <<<"$html" || { echo "graft smoke: report.html is not a complete page" >&2; exit 1; }
tables=$(grep -c '^| --- ' <<<"$md" || true)
[ "$tables" -ge 2 ] || { echo "graft smoke: report.md has $tables tables, expected Tables 2 and 3 at least" >&2; exit 1; }
bad=$(awk -F'|' '/^\|/ && !/^\| ---/ { for (i = 2; i < NF; i++) { c = $i; gsub(/^ +| +$/, "", c); if (c == "") { print NR": "$0; break } } }' <<<"$md")
if [ -n "$bad" ]; then echo "graft smoke: report.md has empty table cells:" >&2; echo "$bad" >&2; exit 1; fi
for t in "Table 3" "Table 2"; do grep -q "$t" <<<"$md" || { echo "graft smoke: report.md lacks $t" >&2; exit 1; }; done
# The baseline has no algorithm loss: its summary leaves `alg` out and the report says so.
if zstd -dc "$(object distill/count-baseline summary)" | grep -q '"alg":'; then
  echo "graft smoke: the count baseline's summary.json holds an algorithm loss" >&2; exit 1
fi
grep -q "the baseline has no algorithm loss" <<<"$md" || { echo "graft smoke: the training table does not mark the baseline's algorithm loss as not run" >&2; exit 1; }
echo "graft smoke: report complete: $tables tables, every cell filled" >&2
