// The one main() of every ngsync doctest binary. Exit code 77 means every selected test case
// that ran passed and at least one was skipped (tests/skip.hpp): CTest reports it as skipped.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "tests/skip.hpp"

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int failed = context.run();
  if (context.shouldExit()) return failed;
  if (failed != 0) return failed;
  const int skipped = ngsync::testing::skipped_test_cases.load();
  if (skipped > 0) {
    std::printf("[ngsync] %d test case(s) skipped (see SKIPPED above); exit code 77\n", skipped);
    return 77;
  }
  return 0;
}
