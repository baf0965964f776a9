#!/usr/bin/env bash
# clang-format and clang-tidy (the repository's .clang-format and .clang-tidy) on the C++ files a
# change touches. Fails on any formatting difference and on any clang-tidy finding inside those
# files (findings in untouched headers they include are not theirs to fix).
#
#   scripts/lint.sh [--build-dir DIR] [--base REF] [FILE...]
#
# Files: the ones named, else every .cpp/.hpp changed between the merge base with REF (default
# main, else the previous commit) and the working tree. clang-tidy reads DIR/compile_commands.json
# (default build/debug; configure with `cmake --preset debug`). NGSYNC_JOBS files at a time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build_dir=build/debug base=""
files=()
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) files+=("$1"); shift ;;
  esac
done

if ((${#files[@]} == 0)); then
  if [[ -z $base ]]; then
    if git rev-parse -q --verify main >/dev/null && [[ $(git rev-parse main) != $(git rev-parse HEAD) ]]; then
      base=$(git merge-base HEAD main)
    else
      base=$(git rev-parse -q --verify HEAD~1 || git rev-parse HEAD)
    fi
  fi
  mapfile -t files < <( { git diff --name-only --diff-filter=d "$base" -- '*.cpp' '*.hpp'
                          git ls-files --others --exclude-standard -- '*.cpp' '*.hpp'; } | sort -u)
fi
existing=()
for f in "${files[@]}"; do [[ -f $f ]] && existing+=("$f"); done
files=("${existing[@]}")
if ((${#files[@]} == 0)); then echo "lint: no C++ file changed${base:+ since $base}"; exit 0; fi
echo "lint: ${#files[@]} files${base:+ changed since ${base:0:12}}"

failed=0
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "lint: clang-format: run \`clang-format -i\` on the files above" >&2
  failed=1
fi

[[ -f $build_dir/compile_commands.json ]] ||
  { echo "lint: no $build_dir/compile_commands.json (cmake --preset debug)" >&2; exit 1; }
sources=()
for f in "${files[@]}"; do [[ $f == *.cpp ]] && sources+=("$f"); done
if ((${#sources[@]})); then
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  # Compile errors fail the run too (clang-tidy exits non-zero); warnings are filtered below.
  # -Wno-error: CI's debug build has -Werror (NGSYNC_WERROR), which would turn clang's own
  # warnings anywhere (Boost included) into errors; the filter below still reports ours.
  printf '%s\n' "${sources[@]}" |
    xargs -P "${NGSYNC_JOBS:-$(nproc)}" -n 1 clang-tidy --quiet --extra-arg=-Wno-error -p "$build_dir" >"$out" 2>&1 ||
    { grep -E 'error:' "$out" >&2 || cat "$out" >&2; failed=1; }
  pattern=$(printf '%s\n' "${files[@]}" | sed 's/[.[\*^$]/\\&/g' | paste -sd'|')
  if grep -E "^($root/)?($pattern):[0-9]+:[0-9]+: (warning|error):" "$out" >&2; then
    echo "lint: clang-tidy findings in the files above" >&2
    failed=1
  fi
fi
if ((failed)); then exit 1; fi
echo "lint: clang-format and clang-tidy clean on ${#files[@]} files"
