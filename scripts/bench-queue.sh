#!/usr/bin/env bash
# Queue benchmark on a throwaway private Postgres: bulk insert of 100,000 no-op jobs, drain
# rate with 1, 4 and 16 workers, and enqueue-to-start latency over LISTEN/NOTIFY.
#   scripts/bench-queue.sh [jobs]       (default 100000)
# NGSYNC_BENCH_BUILD_DIR picks the build dir (default build/bench, configured RelWithDebInfo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NGSYNC_BENCH_BUILD_DIR:-$root/build/bench}
pgdir=$(mktemp -u /tmp/ngsync-bench-pg.XXXXXX)
trap 'bash "$root/scripts/pg-private.sh" destroy "$pgdir" || true' EXIT

if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target ngsync_queue_bench -j2 >/dev/null
url=$(bash "$root/scripts/pg-private.sh" start "$pgdir")
NGSYNC_LOG_LEVEL=warn "$build/ngsync_queue_bench" "$url" "${1:-100000}"
