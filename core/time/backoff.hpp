#pragma once
// The wait between tries of one thing that failed (a database connection, an API call at
// start-up, a LISTEN session): it doubles after each failure up to a ceiling, and starts over
// after a success. No jitter: each of these loops waits on a single resource of its own; the
// job queue's retries, where many jobs would retry at once, use ratelimit::retry_policy's
// full jitter instead.
#include <algorithm>
#include <chrono>

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

}  // namespace ngsync::time
