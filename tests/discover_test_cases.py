#!/usr/bin/env python3
"""Registers each doctest test case of one test binary as its own CTest test.

    discover_test_cases.py BINARY PREFIX OUT.cmake [TIMEOUT]

Runs BINARY --list-test-cases after every build of it and writes OUT.cmake, which CTest includes
(TEST_INCLUDE_FILES). One CTest entry per test case lets `ctest -j` run them in parallel, lets a
hang in one case time out alone, and shows a skipped case as skipped: the binary exits 77 when the
case called ngsync::testing::skip() (tests/skip.hpp), and SKIP_RETURN_CODE says what 77 means.
A case in the doctest suite "runs alone" (one that stops the shared test Postgres, say) gets
RUN_SERIAL: CTest runs nothing else beside it.

doctest's own CMake helper splits the listing as a CMake list, which breaks on the ';' many of our
test names contain; this script writes every name as a bracket argument instead, where nothing is
special.
"""
import subprocess
import sys


def bracket(text: str) -> str:
    """A CMake bracket argument holding text verbatim, with a fence the text does not contain."""
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    fence = "=" * level
    return f"[{fence}[{text}]{fence}]"


def doctest_filter(name: str) -> str:
    # doctest splits a filter on commas (an escaped one is literal) and matches the whole name
    # with * and ? as wildcards; our names use '*' only in text like "*_FILE", which still
    # matches the name itself.
    return name.replace("\\", "\\\\").replace(",", "\\,")


def test_cases(binary: str, *filters: str) -> list[str]:
    listing = subprocess.run([binary, "--list-test-cases", "--no-version", *filters], check=True,
                             capture_output=True, text=True).stdout
    return [line for line in listing.splitlines()
            if line.strip() and not line.startswith("[doctest]") and not line.startswith("=====")]


def main() -> int:
    binary, prefix, out = sys.argv[1:4]
    timeout = sys.argv[4] if len(sys.argv) > 4 else "900"
    names = test_cases(binary)
    alone = set(test_cases(binary, "--test-suite=runs alone"))
    if not names:
        print(f"discover_test_cases.py: {binary} lists no test cases", file=sys.stderr)
        return 1
    lines = [f"# Written by tests/discover_test_cases.py from {binary}; do not edit."]
    for name in names:
        test = bracket(f"{prefix}: {name}")
        lines.append(f"add_test({test} {bracket(binary)} {bracket('--test-case=' + doctest_filter(name))})")
        serial = " RUN_SERIAL TRUE" if name in alone else ""
        lines.append(f"set_tests_properties({test} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT {timeout}"
                     f" LABELS {bracket(prefix)}{serial})")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
