#pragma once
// The wait between tries of one thing that failed (a database connection, an API call at
// start-up, a LISTEN session): it doubles after each failure up to a ceiling, and starts over
// after a success. No jitter: each of these loops waits on a single resource of its own. Where
// many would retry at once (the job queue's jobs, an API caller's requests), full_jitter_window
// below spreads them out.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace ngsync::time {

class doubling_backoff {
 public:
  using duration = std::chrono::milliseconds;
  doubling_backoff(duration first, duration ceiling)
      : first_(first), ceiling_(std::max(first, ceiling)), current_(first) {}

  // The wait before the next try.
  duration current() const { return current_; }
  // The wait before the next try; the one after it is twice as long (up to the ceiling).
  duration next() {
    const auto now = current_;
    current_ = std::min(current_ * 2, ceiling_);
    return now;
  }
  void reset() { current_ = first_; }

 private:
  duration first_, ceiling_, current_;
};

// Full jitter: a retry waits a uniform draw in [0, window]; the window starts at `base` for the
// first retry (retry = 1) and doubles with each one, up to `cap`.
inline std::chrono::milliseconds full_jitter_window(std::chrono::milliseconds base,
                                                    std::chrono::milliseconds cap, int retry) {
  const int shift = std::clamp(retry - 1, 0, 30);
  const auto grown = base.count() * (std::int64_t{1} << shift);
  return std::chrono::milliseconds(std::max<std::int64_t>(std::min(grown, cap.count()), 0));
}

}  // namespace ngsync::time
