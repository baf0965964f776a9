#pragma once
// What becomes of a job that failed, and when a drain of the queue (`ngsync sync-once`) stops
// waiting. Pure; daemon/engine/job_runner.cpp claims the jobs, runs them, keeps their leases and
// settles them as these rules say (storage/job_queue computes the backoff itself).
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/api/api_failure.hpp"

namespace ngsync::sync {

// How a failed job runs again.
enum class job_retry_kind {
  backoff,  // the failure may pass: again after the queue's backoff; the attempt counts
  at_time,  // the API named its time (Retry-After): then, and the attempt does not count
  never,    // retrying cannot help: dead at once, no retry storm
};

struct job_retry {
  job_retry_kind kind = job_retry_kind::backoff;
  std::chrono::system_clock::time_point at{};  // at_time only
};

// For a failure the API classified: throttled comes back at the API's time, permanent never,
// transient after the backoff. A throttle that named no time is retried after the backoff.
job_retry retry_for(const api::api_failure& failure);
// For anything else a job threw (Postgres away, a bug): it may pass, so after the backoff.
job_retry retry_for_unclassified();

// Who is told about a failed job once the queue has settled it.
enum class failure_report {
  dead,   // failed for good or for the last time: the page shows the error
  retry,  // runs again: the page shows that it waits, and why
  none,   // a permanent failure the queue did not make dead (this worker had lost the job)
};
failure_report report_after_failure(job_retry_kind kind, bool became_dead);

// The queue as a drain sees it when it claimed nothing and no job is running.
struct drain_view {
  std::int64_t waiting = 0;                              // available or retryable
  std::int64_t due = 0;                                  // waiting and due now
  std::optional<std::chrono::milliseconds> next_due_in;  // how soon the next one is due
  std::chrono::steady_clock::duration since_progress{};  // since a job was last claimed
};

enum class drain_step {
  done,          // nothing waits: the drain is over
  keep_waiting,  // jobs wait for a retry or behind a dead worker's lease: wait for them
  not_due_soon,  // none is due within the patience (a rate limit until its reset): leave them
  no_progress,   // no job was claimed for the patience: leave them for the next run
};
// Jobs left behind stay queued for the next run; nothing is lost.
drain_step drain_next(const drain_view& queue, std::chrono::milliseconds patience);

}  // namespace ngsync::sync
