#pragma once
// The backlog ETA per mapping, as `ngsync status` prints it and /metrics exports it: the queue
// figures storage::read_backlog reads, priced with the budgets the configuration sets
// (ratelimit::estimate_backlog).
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/ratelimit/backlog_eta.hpp"
#include "storage/backlog.hpp"

namespace ngsync::engine {

struct mapping_eta {
  storage::mapping_backlog backlog;
  ratelimit::backlog_estimate estimate;
};

// The budgets the api_stack enforces, from the configuration.
ratelimit::backlog_budgets backlog_budgets_of(const config::config& c);

// "github: 80/60s + 500/3600s creations, 1.25 requests/s, 1000ms between mutations; notion:
// 3 requests/s": the budgets in force, for an operator.
std::string describe_budgets(const ratelimit::backlog_budgets& b);

// One entry per mapping with waiting jobs. A mapping's ETA counts every job the queue claims
// before its last one, whatever their mapping: all mappings share one GitHub account's budgets.
std::vector<mapping_eta> estimate_mappings(const ratelimit::backlog_budgets& budgets,
                                           const storage::backlog_snapshot& s,
                                           ratelimit::system_time now);

// The gauges ngsync_backlog_jobs, ngsync_backlog_throttled_jobs and ngsync_backlog_eta_seconds
// (label `mapping`) in Prometheus text format, for /metrics.
std::string backlog_metrics(const ratelimit::backlog_budgets& budgets,
                            const storage::backlog_snapshot& s, ratelimit::system_time now);

// UTC, ISO 8601 to the second: "2026-12-07T01:31:00Z".
std::string iso_utc(ratelimit::system_time t);

}  // namespace ngsync::engine
