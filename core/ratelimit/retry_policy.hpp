#pragma once
// When and how long to wait before sending an idempotent request again: 5xx answers and
// retryable transport errors, exponential backoff with full jitter, a bounded number of tries.
#include <chrono>
#include <random>

namespace ngsync::ratelimit {

struct retry_policy {
  int max_attempts = 4;  // including the first one
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{20'000};

  // 500, 502, 503, 504: the server failed, the same request may well succeed.
  static bool retryable_status(unsigned status);
  // Full jitter: uniform in [0, min(max_delay, base_delay * 2^(retry-1))], retry >= 1.
  std::chrono::milliseconds delay(int retry, std::mt19937_64& rng) const;
};

}  // namespace ngsync::ratelimit
