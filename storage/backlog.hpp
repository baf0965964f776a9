#pragma once
// The waiting backlog per mapping, read for the ETA in `ngsync status` and /metrics: how many
// jobs wait, how many of those a rate limit holds, how many will create an issue, and where the
// mapping's last job stands in the queue's claim order. Read-only; one statement per figure set.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

struct mapping_backlog {
  std::string mapping;         // the job payload's "mapping" ("" for jobs without one)
  std::int64_t waiting = 0;    // available + retryable jobs
  std::int64_t throttled = 0;  // retryable after a rate limit, with run_at still ahead
  std::int64_t creates = 0;    // sync_page jobs whose page has no linked issue yet
  // The whole queue's jobs (every mapping) claimed no later than this mapping's last job, in
  // the claim order (priority, run_at, id): they share the budgets ahead of it.
  std::int64_t creates_through = 0;
  std::int64_t others_through = 0;
  std::optional<sys_time> last_run_at;  // the latest run_at among the mapping's jobs
};

struct backlog_snapshot {
  std::vector<mapping_backlog> mappings;  // ordered by mapping
  // Content-creating requests the shared write schedule recorded for `api` in the last hour
  // (the longest GitHub window), including slots leased a few milliseconds ahead.
  std::vector<sys_time> recent_creations;
};

// `now` decides which retries are still held; `window` is the longest content window.
backlog_snapshot read_backlog(transaction t, sys_time now,
                              std::chrono::seconds window = std::chrono::seconds(3600),
                              const std::string& api = "github");

}  // namespace ngsync::storage
