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

TEST_CASE("full jitter: the window doubles from the base with each retry, up to the cap") {
  using ms = std::chrono::milliseconds;
  using ngsync::time::full_jitter_window;
  CHECK(full_jitter_window(ms(500), ms(20'000), 1) == ms(500));
  CHECK(full_jitter_window(ms(500), ms(20'000), 2) == ms(1'000));
  CHECK(full_jitter_window(ms(500), ms(20'000), 6) == ms(16'000));
  CHECK(full_jitter_window(ms(500), ms(20'000), 7) == ms(20'000));
  CHECK(full_jitter_window(ms(500), ms(20'000), 1'000) == ms(20'000));  // no overflow
  CHECK(full_jitter_window(ms(500), ms(20'000), 0) == ms(500));  // before the first: the base
}
