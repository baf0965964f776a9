#pragma once
// When a one-shot call that failed is tried again: the daemon's start-up reads and the reads of
// `ngsync reconcile` ride out a rate-limit pause or a passing failure instead of exiting on the
// first 429, and give up on a permanent failure, after a deadline, or after too many transient
// failures in a row. Jobs do not use this: the queue reschedules them (ratelimit::retry_policy).
#include <chrono>
#include <optional>

#include "core/api/api_failure.hpp"
#include "core/time/backoff.hpp"

namespace ngsync::api {

struct ride_out_policy {
  std::chrono::milliseconds first_wait{500};
  std::chrono::milliseconds longest_wait{8'000};
  std::chrono::steady_clock::duration give_up_after = std::chrono::minutes(5);
  int transient_limit = 0;  // transient failures before giving up; 0: only the deadline counts
};

// One call's tries so far, for ride_out_wait.
class ride_out {
 public:
  explicit ride_out(ride_out_policy p, std::chrono::steady_clock::time_point started)
      : policy_(p),
        give_up_at_(started + p.give_up_after),
        backoff_(p.first_wait, p.longest_wait) {}

  // The wait before the next try after this failure, or nothing when the caller should give up.
  // A throttle names its own time (retry_at); anything else waits on the doubling backoff.
  std::optional<std::chrono::milliseconds> wait_after(const api_failure& f,
                                                      std::chrono::steady_clock::time_point now,
                                                      std::chrono::system_clock::time_point wall);

 private:
  ride_out_policy policy_;
  std::chrono::steady_clock::time_point give_up_at_;
  time::doubling_backoff backoff_;
  int transient_ = 0;
};

}  // namespace ngsync::api
