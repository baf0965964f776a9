// Inputs the fuzzers found (tests/fuzz/regressions/ keeps the raw files), as plain unit tests.
#include <doctest/doctest.h>

#include "core/config/values.hpp"
#include "core/ratelimit/throttle.hpp"
#include "core/time/iso8601.hpp"

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

TEST_CASE("an x-ratelimit-reset beyond what the clock holds is ignored or capped") {
  namespace rl = ngsync::ratelimit;
  const auto now = std::chrono::system_clock::now();
  CHECK(rl::epoch_seconds_time(34200000000) == std::nullopt);
  CHECK(rl::epoch_seconds_time(-1) == std::nullopt);
  CHECK(rl::epoch_seconds_time(1700000000).has_value());

  boost::beast::http::fields h;
  h.set("x-ratelimit-remaining", "0");
  h.set("x-ratelimit-reset", "34200000000");  // the fuzzed value: year 3053
  auto far = rl::detect_throttle(rl::api_flavor::github, 403, h, "{}", now, 60s);
  REQUIRE(far.has_value());
  CHECK(far->wait == 60s);  // the fallback, not an overflowed wait
  CHECK(far->reason == "primary default");

  const auto in_two_days = std::chrono::duration_cast<std::chrono::seconds>(
      (now + std::chrono::hours(48)).time_since_epoch());
  h.set("x-ratelimit-reset", std::to_string(in_two_days.count()));
  auto capped = rl::detect_throttle(rl::api_flavor::github, 403, h, "{}", now, 60s);
  REQUIRE(capped.has_value());
  CHECK(capped->wait == std::chrono::seconds(86400));
}

TEST_CASE("timestamps outside the clock's range do not parse") {
  CHECK(ngsync::iso8601::parse("9999-12-31T23:59:59.000Z") == std::nullopt);
  CHECK(ngsync::iso8601::parse("1200-01-01T00:00:00Z") == std::nullopt);
  CHECK(ngsync::iso8601::parse("2025-06-01T12:00:00.000Z").has_value());
}
