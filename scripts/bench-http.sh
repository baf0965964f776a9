#!/usr/bin/env bash
# HTTP client benchmark: builds ngsync_http_bench (Release) and runs it.
# Usage: scripts/bench-http.sh [requests=2000] [concurrency=4]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${NGSYNC_BENCH_BUILD_DIR:-$here/build/bench-release}"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target ngsync_http_bench -j2 >/dev/null
"$build/ngsync_http_bench" "${1:-2000}" "${2:-4}"
