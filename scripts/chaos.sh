#!/usr/bin/env bash
# The chaos harness (docs/chaos.md): the real ngsync daemon against the sandbox and a private
# Postgres, with person edits on both sides, SIGKILLs, Postgres outages and API faults; then it
# checks for duplicates, disagreements, lost or stuck jobs and rate-limit violations.
#
#   scripts/chaos.sh --short            CI form: ~60 pages, 3 kills, one 10 s outage (< ~3 min)
#   scripts/chaos.sh --long             300 pages, >= 20 kills, several 10-30 s outages
#   scripts/chaos.sh --crash            300 pages, 20 kills, nothing else: settle time after the last kill
#   options: --seed N  --pages N  --chaos-seconds N  --kills N  --keep DIR  --build-dir DIR
#
# Binaries come from --build-dir, else $NGSYNC_BUILD_DIR, else build/debug (built here if absent).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${NGSYNC_BUILD_DIR:-$root/build/debug}
for arg in "$@"; do
  case $arg in -h | --help) sed -n '2,11p' "$0"; exit 0 ;; esac
done
if [[ ! -x $build/ngsync || ! -x $build/ngsync-sandbox ]]; then
  [[ -f $build/build.ninja ]] || cmake --preset debug >/dev/null
  cmake --build "$build" --target ngsync ngsync-sandbox -j2
fi
exec python3 "$root/tests/chaos/chaos.py" --build-dir "$build" "$@"
