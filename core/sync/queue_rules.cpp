#include "core/sync/queue_rules.hpp"

namespace ngsync::sync {

job_retry retry_for(const api::api_failure& failure) {
  switch (failure.kind) {
    case api::failure_kind::throttled:
      if (failure.retry_at) return {job_retry_kind::at_time, *failure.retry_at};
      return retry_for_unclassified();
    case api::failure_kind::permanent:
      return {job_retry_kind::never, {}};
    case api::failure_kind::transient:
      break;
  }
  return retry_for_unclassified();
}

job_retry retry_for_unclassified() {
  return {job_retry_kind::backoff, {}};
}

failure_report report_after_failure(job_retry_kind kind, bool became_dead) {
  if (became_dead) return failure_report::dead;
  if (kind == job_retry_kind::never) return failure_report::none;
  return failure_report::retry;
}

drain_step drain_next(const drain_view& queue, std::chrono::milliseconds patience) {
  if (queue.waiting <= 0) return drain_step::done;
  if (queue.due == 0 && queue.next_due_in && *queue.next_due_in > patience) {
    return drain_step::not_due_soon;
  }
  if (queue.since_progress > patience) return drain_step::no_progress;
  return drain_step::keep_waiting;
}

}  // namespace ngsync::sync
