#!/usr/bin/env bash
# Runs every ngsync test on a fresh Debian 12 machine: installs the packages, starts a private
# Postgres, builds, runs the whole suite through CTest, then stops Postgres.
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -R storage
# NGSYNC_PRESET picks the CMake preset (default: debug; asan-ubsan for sanitizers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=${NGSYNC_PRESET:-debug}

bash scripts/install-deps.sh

export NGSYNC_TEST_PG_DIR=${NGSYNC_TEST_PG_DIR:-$(mktemp -u /tmp/ngsync-test-pg.XXXXXX)}
cleanup() { bash scripts/pg-private.sh destroy "$NGSYNC_TEST_PG_DIR" || true; }
trap cleanup EXIT
NGSYNC_TEST_DATABASE_URL=$(bash scripts/pg-private.sh start "$NGSYNC_TEST_PG_DIR")
export NGSYNC_TEST_DATABASE_URL
echo "test.sh: private Postgres at $NGSYNC_TEST_DATABASE_URL"

start=$(date +%s)
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
echo "test.sh: build took $(( $(date +%s) - start ))s"

export NGSYNC_SOURCE_DIR=$root NGSYNC_BUILD_DIR=$root/build/$preset
ctest --preset "$preset" --output-on-failure "$@"
