#pragma once
// The time a rate limiter sees, injected so budgets are plain arithmetic that tests drive with
// a fake clock. Steady time orders requests; system time reads GitHub's epoch reset headers
// and HTTP-date Retry-After values.
#include <chrono>
#include <functional>

namespace ngsync::ratelimit {

using steady_clock = std::chrono::steady_clock;
using steady_time = steady_clock::time_point;
using system_time = std::chrono::system_clock::time_point;

struct time_source {
  std::function<steady_time()> steady_now = [] { return steady_clock::now(); };
  std::function<system_time()> system_now = [] { return std::chrono::system_clock::now(); };

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
