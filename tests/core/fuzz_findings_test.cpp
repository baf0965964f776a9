// Inputs the fuzzers found (tests/fuzz/regressions/ keeps the raw files), as plain unit tests.
#include <doctest/doctest.h>

#include "core/config/values.hpp"
#include "core/ratelimit/throttle.hpp"

using namespace std::chrono_literals;

TEST_CASE("durations too long to hold are refused, not thrown or overflowed") {
  CHECK(ngsync::config::parse_duration("99999999999999999999s") == std::nullopt);
  CHECK(ngsync::config::parse_duration("999999999d999999999d") == std::nullopt);
  CHECK(ngsync::config::parse_duration("90s") == std::chrono::milliseconds(90'000));
}

TEST_CASE("Retry-After beyond what the clock holds is refused or capped") {
  const auto now = std::chrono::system_clock::now();
  CHECK(ngsync::ratelimit::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == std::nullopt);
  CHECK(ngsync::ratelimit::parse_retry_after("Tue, 01 Jan 2999 00:00:00 GMT", now) == std::nullopt);
  CHECK(ngsync::ratelimit::parse_retry_after("99999999999999", now) == std::chrono::seconds(86400));
  CHECK(ngsync::ratelimit::parse_retry_after("30", now) == 30s);
}
