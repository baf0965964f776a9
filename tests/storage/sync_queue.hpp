#pragma once
// The queue's operations, blocking, for tests and the bench, which drive the queue from plain
// threads: each runs the awaitable operation on an io_context of its own (storage/blocking).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/blocking.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::storage::testing {

class sync_queue : public job_queue {
 public:
  using job_queue::job_queue;

  enqueue_result enqueue_sync(const job_spec& spec) { return blocking(enqueue(spec)); }
  batch_enqueue_result enqueue_batch_sync(const std::vector<job_spec>& specs) {
    return blocking(enqueue_batch(specs));
  }
  std::vector<claimed_job> claim_sync(const std::string& worker, int max_jobs,
                                      std::chrono::milliseconds lease) {
    return blocking(claim(worker, max_jobs, lease));
  }
  bool extend_lease_sync(std::int64_t job_id, const std::string& worker,
                         std::chrono::milliseconds lease) {
    return blocking(extend_lease(job_id, worker, lease));
  }
  bool complete_sync(std::int64_t job_id, const std::string& worker) {
    return blocking(complete(job_id, worker));
  }
  std::vector<std::int64_t> complete_batch_sync(const std::vector<std::int64_t>& job_ids,
                                                const std::string& worker) {
    return blocking(complete_batch(job_ids, worker));
  }
  failure_outcome fail_sync(std::int64_t job_id, const std::string& worker,
                            const std::string& error, job_failure failure) {
    return blocking(fail(job_id, worker, error, failure));
  }
  std::int64_t reclaim_expired_sync() { return blocking(reclaim_expired()); }
  std::int64_t retry_dead_sync(const dead_job_filter& filter) {
    return blocking(retry_dead(filter));
  }
  queue_stats stats_sync() { return blocking(stats()); }
  prune_result prune_sync(std::chrono::seconds completed_older_than,
                          std::chrono::seconds audit_older_than) {
    return blocking(prune(completed_older_than, audit_older_than));
  }
};

}  // namespace ngsync::storage::testing
