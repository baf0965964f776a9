#pragma once
// Internal to the job queue (job_queue.cpp, job_queue_maintenance.cpp): the pieces of SQL its
// statements share.
#include <string>

#include "storage/job_channel.hpp"
#include "storage/sql_time.hpp"

namespace ngsync::storage::job_sql {

// A bigint parameter of microseconds since the epoch, as timestamptz. Every time in these
// statements comes from the queue's clock, so tests can move time without sleeping.
inline std::string ts(int n) {
  return sql_ts(n);
}
inline const std::string waiting = "('available', 'retryable')";

// Wakes the workers that wait on the queue's channel (job_waker); sent in the transaction that
// made a job runnable, so it arrives only if that commits.
inline const std::string notify_workers = "pg_notify('" + std::string(job_channel) + "', '')";

}  // namespace ngsync::storage::job_sql
