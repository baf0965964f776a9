#include "core/ratelimit/retry_policy.hpp"

#include "core/time/backoff.hpp"

#include <algorithm>

namespace ngsync::ratelimit {

bool retry_policy::retryable_status(unsigned status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds retry_policy::delay(int retry, std::mt19937_64& rng) const {
  const auto window = time::full_jitter_window(base_delay, max_delay, retry);
  std::uniform_int_distribution<std::int64_t> dist(0, window.count());
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace ngsync::ratelimit
