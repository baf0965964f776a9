#pragma once
// The time a rate limiter sees, and how it waits for a later time: injected so budgets are plain
// arithmetic and waits follow the same clock, which tests drive (tests/support/virtual_time.hpp)
// instead of sleeping. Steady time orders requests; system time reads GitHub's epoch reset
// headers and HTTP-date Retry-After values.
#include <chrono>
#include <functional>

#include <boost/asio/awaitable.hpp>

namespace ngsync::ratelimit {

using steady_clock = std::chrono::steady_clock;
using steady_time = steady_clock::time_point;
using system_time = std::chrono::system_clock::time_point;

// Waits on the real steady clock (a steady_timer on the caller's executor).
boost::asio::awaitable<void> sleep_on_steady_clock(steady_time until);

struct time_source {
  std::function<steady_time()> steady_now = [] { return steady_clock::now(); };
  std::function<system_time()> system_now = [] { return std::chrono::system_clock::now(); };
  // Resumes once steady_now() has reached `until` (at once when it already has). Every wait of
  // the limiter and the retries goes through it, so a test's clock moves the waits too.
  std::function<boost::asio::awaitable<void>(steady_time until)> sleep_until =
      sleep_on_steady_clock;

  // Converts between the two clocks at the current instant (good to a few microseconds).
  steady_time to_steady(system_time t) const {
    return steady_now() + std::chrono::duration_cast<steady_clock::duration>(t - system_now());
  }
  system_time to_system(steady_time t) const {
    return system_now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(t - steady_now());
  }
};

}  // namespace ngsync::ratelimit
