// Rate-limit arithmetic with a fake clock: token bucket, content windows, mutation spacing,
// header pacing, pauses, Retry-After and throttle recognition.
#include <doctest/doctest.h>

#include <boost/beast/http/fields.hpp>

#include "core/ratelimit/api_budget.hpp"
#include "core/ratelimit/retry_policy.hpp"
#include "core/ratelimit/throttle.hpp"
#include "core/ratelimit/token_bucket.hpp"

namespace rl = ngsync::ratelimit;
using namespace std::chrono_literals;

namespace {

struct fake_clock {
  rl::steady_time steady = rl::steady_time{} + 1000h;
  rl::system_time system = rl::system_time{std::chrono::seconds(1'700'000'000)};
  void advance(rl::steady_clock::duration d) {
    steady += d;
    system += std::chrono::duration_cast<rl::system_time::duration>(d);
  }
  rl::time_source source() {
    return {[this] { return steady; }, [this] { return system; }};
  }
};

double seconds(rl::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

TEST_CASE("token bucket: burst, refill at the rate, cap at burst, reservations in debt") {
  fake_clock clk;
  rl::token_bucket b(10, 5, clk.steady);
  for (int i = 0; i < 5; ++i) CHECK(b.try_take(clk.steady));
  CHECK_FALSE(b.try_take(clk.steady));
  clk.advance(100ms);  // one token at 10/s
  CHECK(b.try_take(clk.steady));
  CHECK_FALSE(b.try_take(clk.steady));
  clk.advance(10s);  // refill is capped at the burst
  CHECK(b.available(clk.steady) == doctest::Approx(5));
  for (int i = 0; i < 5; ++i) CHECK(b.reserve(clk.steady) == clk.steady);
  // In debt: the 6th, 7th callers are told to wait 100 ms and 200 ms.
  CHECK(seconds(b.reserve(clk.steady) - clk.steady) == doctest::Approx(0.1));
  CHECK(seconds(b.reserve(clk.steady) - clk.steady) == doctest::Approx(0.2));
  CHECK(b.available(clk.steady) == doctest::Approx(-2));
  clk.advance(200ms);
  CHECK(b.available(clk.steady) == doctest::Approx(0));
  b.set_rate(1, clk.steady);
  CHECK(seconds(b.reserve(clk.steady) - clk.steady) == doctest::Approx(1.0));
  CHECK_THROWS(rl::token_bucket(0, 5, clk.steady));
}

TEST_CASE("token bucket: over any window no more than burst + rate * window are granted") {
  fake_clock clk;
  const double rate = 500, burst = 20;
  rl::token_bucket b(rate, burst, clk.steady);
  std::vector<rl::steady_time> grants;
  for (int i = 0; i < 1000; ++i) {
    grants.push_back(b.reserve(clk.steady));
    if (i % 7 == 0) clk.advance(1ms);  // callers arrive faster than the rate
  }
  CHECK(seconds(grants.back() - grants.front()) >= (1000 - burst) / rate - 1e-6);
  for (auto window : {1ms, 10ms, 100ms, 1000ms}) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < grants.size(); ++i) {
      while (grants[i] - grants[j] >= window) ++j;
      CHECK(double(i - j + 1) <= burst + rate * seconds(window) + 1e-9);
    }
  }
}

TEST_CASE("budget: mutations are spaced, reads are not") {
  fake_clock clk;
  rl::budget_config cfg;
  cfg.rate_per_second = 100;
  cfg.burst = 100;
  cfg.mutation_spacing = 1000ms;
  rl::api_budget budget(cfg, clk.source());
  const rl::request_traits write{true, false}, read{false, false};
  CHECK(budget.reserve(write) == clk.steady);
  CHECK(budget.reserve(read) == clk.steady);
  CHECK(seconds(budget.reserve(write) - clk.steady) == doctest::Approx(1.0));
  CHECK(seconds(budget.reserve(write) - clk.steady) == doctest::Approx(2.0));
  CHECK(budget.reserve(read) == clk.steady);
  clk.advance(5s);
  CHECK(budget.reserve(write) == clk.steady);
}

TEST_CASE("budget: content creation keeps to 80 per minute and 500 per hour") {
  fake_clock clk;
  rl::budget_config cfg = rl::github_budget_defaults();
  cfg.rate_per_second = 1000;
  cfg.burst = 1000;
  cfg.mutation_spacing = 0ms;
  rl::api_budget budget(cfg, clk.source());
  const rl::request_traits create{true, true};
  std::vector<rl::steady_time> slots;
  for (int i = 0; i < 600; ++i) slots.push_back(budget.reserve(create));
  const auto t0 = clk.steady;
  for (int i = 0; i < 80; ++i) CHECK(slots[i] == t0);
  CHECK(slots[80] == t0 + 60s);  // the 81st waits for the first to leave the minute
  CHECK(slots[160] == t0 + 120s);
  // The hour window: the 501st cannot go before the first + 1 h.
  CHECK(slots[500] >= t0 + 3600s);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    std::size_t in_minute = 0, in_hour = 0;
    for (std::size_t j = 0; j <= i; ++j) {
      in_minute += slots[i] - slots[j] < 60s;
      in_hour += slots[i] - slots[j] < 3600s;
    }
    CHECK(in_minute <= 80);
    CHECK(in_hour <= 500);
  }
  // An ordinary mutation (not content) is not held by the content windows.
  CHECK(budget.reserve({true, false}) == clk.steady);
}

TEST_CASE("budget: a pause holds every request and is counted") {
  fake_clock clk;
  rl::api_budget budget(rl::budget_config{}, clk.source());
  budget.pause_until(clk.steady + 2s);
  budget.pause_until(clk.steady + 1s);  // an earlier end does not shorten it
  REQUIRE(budget.paused_until());
  CHECK(*budget.paused_until() == clk.steady + 2s);
  CHECK(budget.reserve({}) == clk.steady + 2s);
  budget.pause_until(clk.steady + 3s);
  auto c = budget.counters();
  CHECK(c.pauses == 2);
  CHECK(c.paused_seconds == doctest::Approx(3.0));
  clk.advance(3s);
  CHECK_FALSE(budget.paused_until());
}

TEST_CASE("budget: low x-ratelimit-remaining spreads the rest until reset, never reaching 0") {
  fake_clock clk;
  rl::budget_config cfg = rl::github_budget_defaults();
  cfg.rate_per_second = 1000;
  cfg.burst = 1000;
  cfg.low_remaining = 100;
  cfg.reserve_remaining = 5;
  rl::api_budget budget(cfg, clk.source());
  const auto now_epoch =
      std::chrono::duration_cast<std::chrono::seconds>(clk.system.time_since_epoch()).count();
  budget.observe_rate_headers(4000, now_epoch + 600);  // plenty: no pacing
  CHECK(budget.reserve({}) == clk.steady);
  CHECK(budget.reserve({}) == clk.steady);
  budget.observe_rate_headers(65, now_epoch + 600);  // 60 usable over 600 s: one per 10 s
  const auto a = budget.reserve({});
  const auto b = budget.reserve({});
  CHECK(seconds(b - a) == doctest::Approx(10.0));
  budget.observe_rate_headers(5, now_epoch + 600);  // at the reserve: pause until the reset
  REQUIRE(budget.paused_until());
  CHECK(seconds(*budget.paused_until() - clk.steady) == doctest::Approx(601.0));
}

TEST_CASE("Retry-After: seconds or an HTTP date") {
  const rl::system_time now{std::chrono::seconds(1'445'412'480)};  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(rl::parse_retry_after("120", now) == 120s);
  CHECK(rl::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30s);
  CHECK(rl::parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0s);
  CHECK_FALSE(rl::parse_retry_after("soon", now));
}

TEST_CASE("throttle answers of GitHub and Notion are recognised with their wait") {
  const rl::system_time now{std::chrono::seconds(1'700'000'000)};
  boost::beast::http::fields none;
  auto gh = rl::api_flavor::github;
  CHECK_FALSE(rl::detect_throttle(gh, 403, none, "Resource not accessible", now, 60s));
  CHECK_FALSE(rl::detect_throttle(gh, 500, none, "", now, 60s));
  auto secondary = rl::detect_throttle(
      gh, 403, none, R"({"message":"You have exceeded a Secondary Rate Limit."})", now, 60s);
  REQUIRE(secondary);
  CHECK(secondary->wait == 60s);

  boost::beast::http::fields ra;
  ra.set("Retry-After", "7");
  CHECK(rl::detect_throttle(gh, 429, ra, "", now, 60s)->wait == 7s);

  boost::beast::http::fields primary;
  primary.set("x-ratelimit-remaining", "0");
  primary.set("x-ratelimit-reset", "1700000100");
  CHECK(rl::detect_throttle(gh, 403, primary, "API rate limit exceeded", now, 60s)->wait == 101s);

  auto notion = rl::api_flavor::notion;
  CHECK(rl::detect_throttle(notion, 429, ra, "", now, 60s)->wait == 7s);
  CHECK(rl::detect_throttle(notion, 529, none, "", now, 60s)->wait == 60s);
  CHECK_FALSE(rl::detect_throttle(notion, 403, none, "secondary rate limit", now, 60s));
}

TEST_CASE("GitHub: any 403 with Retry-After or an exhausted primary limit is a throttle") {
  const rl::system_time now{std::chrono::seconds(1'700'000'000)};
  auto gh = rl::api_flavor::github;
  // GitHub's older abuse-detection wording says nothing of a "secondary rate limit".
  boost::beast::http::fields ra;
  ra.set("Retry-After", "30");
  const auto abuse = rl::detect_throttle(
      gh, 403, ra,
      R"({"message":"You have triggered an abuse detection mechanism. Please wait a few minutes before you try again."})",
      now, 60s);
  REQUIRE(abuse);
  CHECK(abuse->wait == 30s);
  // Exhausted primary limit, whatever the body says, waits for the reset.
  boost::beast::http::fields exhausted;
  exhausted.set("x-ratelimit-remaining", "0");
  exhausted.set("x-ratelimit-reset", "1700000010");
  const auto primary = rl::detect_throttle(gh, 403, exhausted, "{}", now, 60s);
  REQUIRE(primary);
  CHECK(primary->wait == 11s);
  const auto also_429 = rl::detect_throttle(gh, 429, exhausted, "{}", now, 60s);
  REQUIRE(also_429);
  CHECK(also_429->wait == 11s);
  // A plain permission 403, with budget left, stays a permanent failure.
  boost::beast::http::fields left;
  left.set("x-ratelimit-remaining", "4999");
  CHECK_FALSE(rl::detect_throttle(gh, 403, left, R"({"message":"Resource not accessible by integration"})",
                                  now, 60s));
}

TEST_CASE("retry backoff: full jitter under an exponential, capped ceiling") {
  rl::retry_policy p;
  p.base_delay = 100ms;
  p.max_delay = 1000ms;
  std::mt19937_64 rng(42);
  for (int retry = 1; retry <= 8; ++retry) {
    const auto ceiling = std::min<std::chrono::milliseconds>(100ms * (1 << (retry - 1)), 1000ms);
    std::chrono::milliseconds max_seen{0};
    for (int i = 0; i < 200; ++i) {
      auto d = p.delay(retry, rng);
      CHECK(d >= 0ms);
      CHECK(d <= ceiling);
      max_seen = std::max(max_seen, d);
    }
    CHECK(max_seen > ceiling / 2);  // jitter spans the range, not a constant
  }
  CHECK(rl::retry_policy::retryable_status(503));
  CHECK_FALSE(rl::retry_policy::retryable_status(404));
  CHECK_FALSE(rl::retry_policy::retryable_status(529 - 100));
}
