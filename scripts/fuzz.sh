#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, CMake preset `fuzz`: clang, ASan + UBSan) and runs
# each for a fixed time on a corpus seeded from tests/reference and deploy/.
#   scripts/fuzz.sh [--short|--long] [target...]
#     --short  a fixed number of inputs per target (about 20 s each; CI, part of scripts/test.sh),
#              from the seeds alone with a fixed seed, so a local short run explores what a
#              fresh CI clone does (nearly: allocation addresses still vary the path a little)
#     --long   5 minutes per target on the growing corpus (NGSYNC_FUZZ_SECONDS overrides)
#     target   e.g. fuzz_issue_body; default: every target
# Fails on any crash, leak, UB report, timeout or out-of-memory; the input that caused it is kept
# in build/fuzz/artifacts/<target>/ (replay: build/fuzz/tests/fuzz/<target> <file>).
# The corpus grows across runs in build/fuzz/corpus/<target>/ (seeds are rewritten every run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=300
short=0
targets=()
for arg in "$@"; do
  case $arg in
    --short) short=1 ;;
    --long) seconds=300 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$arg") ;;
  esac
done
seconds=${NGSYNC_FUZZ_SECONDS:-$seconds}
# A fixed seed by default: a fresh clone starts from the same seeds and corpus, so a short CI run
# explores the same inputs each time and a finding reproduces. NGSYNC_FUZZ_SEED=0 is random.
seed=${NGSYNC_FUZZ_SEED:-1}
all=(fuzz_github_webhook fuzz_notion_webhook fuzz_issue_body
     fuzz_gfm_converter fuzz_config_loader fuzz_http_response)
if ((${#targets[@]} == 0)); then targets=("${all[@]}"); fi

# Inputs per target in --short mode: about 20 s each on a 2-core CI machine.
declare -A short_runs=(
  [fuzz_github_webhook]=150000 [fuzz_notion_webhook]=300000 [fuzz_issue_body]=250000
  [fuzz_gfm_converter]=50000 [fuzz_config_loader]=20000
  [fuzz_http_response]=60000)

declare -A dict=(
  [fuzz_github_webhook]=json [fuzz_notion_webhook]=json [fuzz_issue_body]=markers
  [fuzz_gfm_converter]=notion_markdown [fuzz_config_loader]=yaml
  [fuzz_http_response]=http)

build=$root/build/fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"${NGSYNC_JOBS:-2}" --target "${targets[@]}"

rm -rf "$build/seeds"
python3 scripts/fuzz-seed.py "$build/seeds" >/dev/null

# Sanitizer reports end the run with a failure; leaks are checked at the end of each input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for t in "${targets[@]}"; do
  [[ -n ${dict[$t]:-} ]] || { echo "fuzz.sh: unknown target $t (known: ${all[*]})" >&2; exit 2; }
  corpus=$build/corpus/$t artifacts=$build/artifacts/$t
  budget=(-max_total_time="$seconds")
  if ((short)); then
    # A fresh corpus and a count of inputs, not a time: the same budget on a slow machine.
    corpus=$build/short-corpus/$t
    rm -rf "$corpus"
    budget=(-runs="${short_runs[$t]}" -max_total_time=600)
  fi
  mkdir -p "$corpus" "$artifacts" "$build/seeds/$t"
  # Inputs that once found a bug (tests/fuzz/regressions/<target>/) are replayed first.
  regressions=""
  if [[ -d tests/fuzz/regressions/$t ]]; then regressions=tests/fuzz/regressions/$t; fi
  if ((short)); then echo "fuzz.sh: $t for ${short_runs[$t]} inputs"; else echo "fuzz.sh: $t for ${seconds}s"; fi
  log=$build/logs/$t.log
  mkdir -p "$build/logs"
  if "$build/tests/fuzz/$t" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -dict="tests/fuzz/dicts/${dict[$t]}.dict" -artifact_prefix="$artifacts/" \
      -print_final_stats=1 -seed="$seed" "$corpus" "$build/seeds/$t" $regressions >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | tr '\n' ' ' | sed 's/^/  /'
    echo "corpus=$(ls "$corpus" | wc -l)"
  else
    failed+=("$t")
    echo "fuzz.sh: $t FAILED; last lines of $log:" >&2
    tail -40 "$log" >&2
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failures in ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
if ((short)); then echo "fuzz.sh: ${#targets[@]} target(s), short fixed runs, no findings"
else echo "fuzz.sh: ${#targets[@]} target(s), ${seconds}s each, no findings"; fi
