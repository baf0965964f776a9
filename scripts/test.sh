#!/usr/bin/env bash
# Runs every ngsync test on a fresh Debian 12 machine: installs the packages, starts a private
# Postgres, then runs the stages below and prints how long each took (docs/testing.md):
#   debug   build (preset debug) and the CTest suite (unit, storage, end to end, sandbox
#           fidelity, quickstart)
#   lint    clang-format and clang-tidy on the C++ files changed since main (scripts/lint.sh)
#   image   the container image's runtime filesystem, built with mmdebstrap, runs the release
#           binary as uid 10001 (scripts/test-image-rootfs.sh)
#   deb     the Debian package: lintian, install, unit, purge in a clean Debian 12
#           (scripts/test-deb.sh; shares the image stage's release build)
#   chaos   the chaos harness, short form (scripts/chaos.sh --short, seed $NGSYNC_CHAOS_SEED or 1)
#   fuzz    every libFuzzer target for a short fixed number of inputs (scripts/fuzz.sh --short)
#   asan    ASan + UBSan build (preset asan-ubsan), the doctest suites again
#   tsan    TSan build (preset tsan); the queue, rate-limiter and HTTP tests
#   scripts/test.sh [--fast] [ctest args...]   e.g. scripts/test.sh --fast -R storage
# --fast runs the debug stage only. CTest args apply to the debug and asan stages.
# The debug preset is built with -Werror (NGSYNC_WERROR) here. NGSYNC_PACKAGING=0 leaves out the
# image and deb stages (they need root, the Debian archive, and a release build).
# NGSYNC_SANITIZERS=0 leaves out the asan and tsan stages (about half the run on 2 cores).
# NGSYNC_PRESET picks the first stage's CMake preset (default: debug).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=${NGSYNC_PRESET:-debug}
fast=0 sanitizers=${NGSYNC_SANITIZERS:-1} packaging=${NGSYNC_PACKAGING:-1}
while [[ ${1:-} == --fast || ${1:-} == --sanitizers ]]; do
  # --sanitizers is the default now; the flag stays accepted for older instructions.
  if [[ $1 == --fast ]]; then fast=1; else sanitizers=1; fi
  shift
done
jobs=${NGSYNC_JOBS:-$(nproc)}
# Test cases run in parallel (one CTest entry per doctest case): most of an end-to-end case's
# time is waiting on processes and sockets, not CPU. NGSYNC_TEST_JOBS=1 runs them one by one.
test_jobs=${NGSYNC_TEST_JOBS:-$((2 * $(nproc)))}

bash scripts/install-deps.sh

export NGSYNC_TEST_PG_DIR=${NGSYNC_TEST_PG_DIR:-$(mktemp -u /tmp/ngsync-test-pg.XXXXXX)}
cleanup() { bash scripts/pg-private.sh destroy "$NGSYNC_TEST_PG_DIR" || true; }
trap cleanup EXIT
NGSYNC_TEST_DATABASE_URL=$(bash scripts/pg-private.sh start "$NGSYNC_TEST_PG_DIR")
export NGSYNC_TEST_DATABASE_URL
echo "test.sh: private Postgres at $NGSYNC_TEST_DATABASE_URL"
export NGSYNC_SOURCE_DIR=$root

timings=()
stage_start=0
begin() { stage_start=$(date +%s); echo "test.sh: == stage $1 =="; }
finish() { timings+=("$1 $(( $(date +%s) - stage_start ))s"); echo "test.sh: stage $1 took $(( $(date +%s) - stage_start ))s"; }
summary() { echo "test.sh: stage times: ${timings[*]:-none}"; }

begin "$preset"
# The project's own code must compile without a warning: the debug preset builds it with -Werror
# (NGSYNC_WERROR; Boost and other libraries are system headers, and the one GCC false positive in
# optimized builds is off in CMakeLists.txt). In the preset, not here, so developers' debug builds
# and CI's share their ccache entries.
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$jobs"
# chaos_short (label chaos) runs as its own stage below, with a fixed seed.
NGSYNC_BUILD_DIR=$root/build/$preset ctest --preset "$preset" --output-on-failure -j"$test_jobs" -LE chaos "$@"
finish "$preset"
if ((fast)); then summary; exit 0; fi

begin lint
bash scripts/lint.sh --build-dir "$root/build/$preset"
finish lint

if ((packaging)); then
  begin image
  NGSYNC_JOBS=$jobs bash scripts/test-image-rootfs.sh
  finish image

  begin deb
  NGSYNC_JOBS=$jobs bash scripts/test-deb.sh
  finish deb
fi

# The disruptions (kills, the Postgres outage, fault windows) are drawn from the seed; a fixed
# one keeps CI's schedule reproducible. Random seeds are for scripts/chaos.sh by hand.
begin chaos
bash scripts/chaos.sh --short --seed "${NGSYNC_CHAOS_SEED:-1}" --build-dir "$root/build/$preset"
finish chaos

begin fuzz
NGSYNC_JOBS=$jobs bash scripts/fuzz.sh --short
finish fuzz
if ((!sanitizers)); then summary; exit 0; fi

# Any sanitizer report fails the run. Suppressions cover third-party false positives only.
sanitizer_env=(
  "ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
  "LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
  "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp"
)

begin asan-ubsan
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j"$jobs"
# The doctest binaries (unit, storage, end to end against the sandbox) under the sanitizers. The
# quickstart and chaos scripts drive the same binaries as the debug stage already did; under ASan
# their timing assumptions (settle windows) would test the sanitizer's speed, not ngsync.
env "${sanitizer_env[@]}" NGSYNC_BUILD_DIR="$root/build/asan-ubsan" \
  ctest --preset asan-ubsan --output-on-failure -j"$test_jobs" --timeout 1800 \
    -E '^(quickstart|chaos_short)$' "$@"
finish asan-ubsan

begin tsan
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j"$jobs" --target ngsync_core_tests ngsync_storage_tests
tsan_bin=$root/build/tsan/tests
env "${sanitizer_env[@]}" NGSYNC_BUILD_DIR="$root/build/tsan" \
  "$tsan_bin/ngsync_core_tests" -sf='*http_*_test.cpp,*ratelimit_*_test.cpp'
env "${sanitizer_env[@]}" NGSYNC_BUILD_DIR="$root/build/tsan" \
  "$tsan_bin/ngsync_storage_tests" -sf='*queue*_test.cpp,*replicas_test.cpp'
finish tsan

summary
