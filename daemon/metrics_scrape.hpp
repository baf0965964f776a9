#pragma once
// What GET /metrics answers in the daemon: Prometheus's text exposition of the jobs and queue,
// issue changes, webhook deliveries, retention, the API callers' budgets and each poller.
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/runtime.hpp"
#include "daemon/services/job_runner.hpp"
#include "daemon/services/leadership.hpp"
#include "daemon/services/pruner.hpp"
#include "daemon/webhooks/github_webhook.hpp"
#include "daemon/webhooks/notion_webhook.hpp"
#include "storage/backlog.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

// What a scrape reads besides the runtime: the queue and error counts (one query each) and the
// webhook receivers' counters (absent when the endpoint is not configured).
struct scrape_inputs {
  storage::queue_stats queue;
  std::optional<std::int64_t> pages_in_error;          // unset when Postgres did not answer
  std::optional<std::int64_t> throttled_past_horizon;  // likewise
  const webhooks::github_webhook_counters* github_hooks = nullptr;
  const webhooks::notion_webhook_counters* notion_hooks = nullptr;
  const leadership* leaders = nullptr;                 // absent in one-shot modes
  const prune_counts* pruned = nullptr;                // absent in one-shot modes
  std::uint64_t probe_reads = 0;                       // probe_figures::reads()
  const storage::backlog_snapshot* backlog = nullptr;  // unset when Postgres did not answer
};

std::string render_metrics(runtime& rt, job_runner& runner, const scrape_inputs& in);

}  // namespace ngsync::engine
