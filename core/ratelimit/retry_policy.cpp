#include "core/ratelimit/retry_policy.hpp"

#include <algorithm>

namespace ngsync::ratelimit {

bool retry_policy::retryable_status(unsigned status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds retry_policy::delay(int retry, std::mt19937_64& rng) const {
  const int shift = std::clamp(retry - 1, 0, 30);
  const auto grown = base_delay.count() * (std::int64_t{1} << shift);
  const auto ceiling = std::min<std::int64_t>(grown, max_delay.count());
  std::uniform_int_distribution<std::int64_t> dist(0, std::max<std::int64_t>(ceiling, 0));
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace ngsync::ratelimit
