#pragma once
// Retention on a timer: completed jobs (`queue.keep_completed`), API audit rows
// (`queue.keep_audit`) and webhook delivery ids (as long as completed jobs) older than their
// retention are deleted every `queue.prune_interval`, by the replica holding the "prune" lease
// only. A pass deletes in batches (storage/retention), each its own short transaction, and stops
// after a bounded number of them so a huge backlog is worked off over several passes.
#include <chrono>
#include <cstdint>
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "storage/database.hpp"

namespace ngsync::engine {

struct prune_counts {
  std::int64_t jobs = 0;
  std::int64_t audit_rows = 0;
  std::int64_t webhook_deliveries = 0;
  std::int64_t total() const { return jobs + audit_rows + webhook_deliveries; }
};

struct pruner_settings {
  std::chrono::seconds keep_completed{7 * 24 * 3600};
  std::chrono::seconds keep_audit{30 * 24 * 3600};
  std::chrono::seconds keep_webhook_deliveries{7 * 24 * 3600};
  std::chrono::milliseconds interval{10 * 60'000};  // 0: never prune
  int batch_size = 1000;
  int max_batches_per_table = 100;  // per pass
};

class pruner {
 public:
  pruner(storage::database& db, pruner_settings s, std::function<bool()> gate);

  // One pass over the three tables; logs one line when anything was deleted.
  boost::asio::awaitable<prune_counts> prune_once();
  // A pass every `interval` while `gate()` (this replica holds the lease), until *stopping.
  boost::asio::awaitable<void> run(const bool* stopping);

  // Rows deleted by this process so far (the /metrics counter).
  const prune_counts& totals() const { return totals_; }
  const pruner_settings& settings() const { return settings_; }

 private:
  storage::database& db_;
  pruner_settings settings_;
  std::function<bool()> gate_;
  prune_counts totals_;
};

}  // namespace ngsync::engine
