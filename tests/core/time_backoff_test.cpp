// The one doubling backoff the retry loops share.
#include <doctest/doctest.h>

#include "core/time/backoff.hpp"

using ngsync::time::doubling_backoff;
using namespace std::chrono_literals;

TEST_CASE("doubling backoff: doubles up to its ceiling, starts over after a reset") {
  doubling_backoff b(100ms, 1000ms);
  CHECK(b.current() == 100ms);
  CHECK(b.next() == 100ms);
  CHECK(b.next() == 200ms);
  CHECK(b.next() == 400ms);
  CHECK(b.next() == 800ms);
  CHECK(b.next() == 1000ms);
  CHECK(b.next() == 1000ms);
  b.reset();
  CHECK(b.next() == 100ms);
  doubling_backoff odd(500ms, 100ms);  // a ceiling below the first wait is the first wait
  CHECK(odd.next() == 500ms);
  CHECK(odd.next() == 500ms);
}
