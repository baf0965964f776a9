#include "core/api/ride_out.hpp"

#include <algorithm>

namespace ngsync::api {

std::optional<std::chrono::milliseconds> ride_out::wait_after(
    const api_failure& f, std::chrono::steady_clock::time_point now,
    std::chrono::system_clock::time_point wall) {
  if (f.kind == failure_kind::permanent || now > give_up_at_) return std::nullopt;
  if (f.kind == failure_kind::transient && policy_.transient_limit > 0 &&
      ++transient_ >= policy_.transient_limit) {
    return std::nullopt;
  }
  // Never a busy loop: a retry time already past still waits a moment.
  constexpr std::chrono::milliseconds shortest{50};
  if (f.retry_at) {
    return std::max(shortest,
                    std::chrono::duration_cast<std::chrono::milliseconds>(*f.retry_at - wall));
  }
  return std::max(shortest, backoff_.next());
}

}  // namespace ngsync::api
