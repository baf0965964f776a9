// When a one-shot call (start-up reads, `ngsync reconcile`) is tried again after a failure.
#include <doctest/doctest.h>

#include "core/api/ride_out.hpp"

using namespace ngsync::api;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;

namespace {

api_failure failure(failure_kind kind) {
  api_failure f;
  f.kind = kind;
  f.api = "github";
  f.status = kind == failure_kind::permanent ? 401 : 503;
  return f;
}

}  // namespace

TEST_CASE("ride out: a permanent failure gives up at once") {
  ride_out tries({}, steady::time_point{});
  CHECK_FALSE(
      tries.wait_after(failure(failure_kind::permanent), steady::time_point{}, wall::now()));
}

TEST_CASE("ride out: transient failures wait on a doubling backoff up to its ceiling") {
  ride_out_policy p;
  p.first_wait = 500ms;
  p.longest_wait = 2'000ms;
  ride_out tries(p, steady::time_point{});
  std::vector<long> waits;
  for (int i = 0; i < 5; ++i) {
    waits.push_back(
        tries.wait_after(failure(failure_kind::transient), steady::time_point{}, wall::now())
            ->count());
  }
  CHECK(waits == std::vector<long>{500, 1000, 2000, 2000, 2000});
}

TEST_CASE("ride out: a throttle waits until the time the API named, never less than 50 ms") {
  ride_out tries({}, steady::time_point{});
  const auto now = wall::now();
  auto throttled = failure(failure_kind::throttled);
  throttled.retry_at = now + 7s;
  CHECK(tries.wait_after(throttled, steady::time_point{}, now) == 7'000ms);
  throttled.retry_at = now - 1s;  // already past
  CHECK(tries.wait_after(throttled, steady::time_point{}, now) == 50ms);
}

TEST_CASE("ride out: gives up after the deadline and after the transient limit") {
  ride_out_policy p;
  p.give_up_after = 10min;
  p.transient_limit = 3;
  const steady::time_point start{};
  ride_out late(p, start);
  CHECK(late.wait_after(failure(failure_kind::throttled), start + 9min, wall::now()));
  CHECK_FALSE(late.wait_after(failure(failure_kind::throttled), start + 11min, wall::now()));

  ride_out flaky(p, start);
  CHECK(flaky.wait_after(failure(failure_kind::transient), start, wall::now()));
  CHECK(flaky.wait_after(failure(failure_kind::transient), start, wall::now()));
  CHECK_FALSE(flaky.wait_after(failure(failure_kind::transient), start, wall::now()));
  // Throttles do not count against the transient limit.
  ride_out patient(p, start);
  for (int i = 0; i < 10; ++i) {
    CHECK(patient.wait_after(failure(failure_kind::throttled), start, wall::now()));
  }
}
