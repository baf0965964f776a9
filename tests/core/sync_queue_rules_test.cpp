// What becomes of a failed job, and when a drain stops waiting (core/sync/queue_rules.hpp).
#include <doctest/doctest.h>

#include "core/sync/queue_rules.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using namespace std::chrono_literals;

namespace {

api::api_failure failure(api::failure_kind kind,
                         std::optional<std::chrono::system_clock::time_point> retry_at = {}) {
  api::api_failure f;
  f.kind = kind;
  f.api = "github";
  f.operation = "create issue";
  f.status = kind == api::failure_kind::permanent ? 422 : 503;
  f.retry_at = retry_at;
  return f;
}

constexpr auto reset_at = std::chrono::system_clock::time_point{} + 1'000'000h;

drain_view waiting(std::int64_t n, std::int64_t due, std::optional<std::chrono::milliseconds> next,
                   std::chrono::steady_clock::duration since_progress) {
  return {n, due, next, since_progress};
}

}  // namespace

TEST_CASE("job outcome: a throttled job comes back at the API's time") {
  const auto r = retry_for(failure(api::failure_kind::throttled, reset_at));
  CHECK(r.kind == job_retry_kind::at_time);
  CHECK(r.at == reset_at);
}

TEST_CASE("job outcome: a throttle that named no time is retried after the backoff") {
  CHECK(retry_for(failure(api::failure_kind::throttled)).kind == job_retry_kind::backoff);
}

TEST_CASE("job outcome: a permanent failure is never retried, a transient one after backoff") {
  CHECK(retry_for(failure(api::failure_kind::permanent)).kind == job_retry_kind::never);
  // A time on a permanent failure changes nothing: retrying cannot help.
  CHECK(retry_for(failure(api::failure_kind::permanent, reset_at)).kind == job_retry_kind::never);
  CHECK(retry_for(failure(api::failure_kind::transient)).kind == job_retry_kind::backoff);
  CHECK(retry_for_unclassified().kind == job_retry_kind::backoff);
}

TEST_CASE("job outcome: a dead job reports its error, a rescheduled one that it waits") {
  CHECK(report_after_failure(job_retry_kind::backoff, true) == failure_report::dead);
  CHECK(report_after_failure(job_retry_kind::never, true) == failure_report::dead);
  CHECK(report_after_failure(job_retry_kind::backoff, false) == failure_report::retry);
  CHECK(report_after_failure(job_retry_kind::at_time, false) == failure_report::retry);
  // Permanent, but the queue refused the settlement (the lease was lost): the worker that owns
  // the job now reports it; this one says nothing.
  CHECK(report_after_failure(job_retry_kind::never, false) == failure_report::none);
}

TEST_CASE("drain: over when nothing waits") {
  CHECK(drain_next(waiting(0, 0, std::nullopt, 0s), 120s) == drain_step::done);
  // However long since the last progress.
  CHECK(drain_next(waiting(0, 0, std::nullopt, 1h), 120s) == drain_step::done);
}

TEST_CASE("drain: waits for a retry due within the patience") {
  CHECK(drain_next(waiting(2, 0, 30s, 1s), 120s) == drain_step::keep_waiting);
  CHECK(drain_next(waiting(2, 0, 120s, 1s), 120s) == drain_step::keep_waiting);  // at the edge
  // Due now but behind a lost worker's lease: waited for as well.
  CHECK(drain_next(waiting(1, 1, std::nullopt, 1s), 120s) == drain_step::keep_waiting);
}

TEST_CASE("drain: leaves jobs that are not due within the patience for the next run") {
  CHECK(drain_next(waiting(3, 0, 121s, 0s), 120s) == drain_step::not_due_soon);
  // One job due now is still worth waiting for, even if the others are far off.
  CHECK(drain_next(waiting(3, 1, 1h, 0s), 120s) == drain_step::keep_waiting);
}

TEST_CASE("drain: gives up after the patience without progress") {
  CHECK(drain_next(waiting(1, 1, std::nullopt, 121s), 120s) == drain_step::no_progress);
  CHECK(drain_next(waiting(1, 0, 10s, 121s), 120s) == drain_step::no_progress);
  CHECK(drain_next(waiting(1, 1, std::nullopt, 120s), 120s) == drain_step::keep_waiting);
}
