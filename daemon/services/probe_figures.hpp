#pragma once
// What /readyz and /metrics read from Postgres: whether it answers with a current schema, the
// queue's depth and the pages in error. Read at most once a second, however often probes and
// scrapers ask: a monitoring loop at 100 requests a second must not become 300 queries a second
// against the database the sync needs.
#include <chrono>
#include <cstdint>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "storage/backlog.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

struct database_figures {
  bool reachable = false;       // the last read reached Postgres
  bool schema_current = false;  // migrations applied
  std::optional<storage::queue_stats> queue;
  std::optional<std::int64_t> pages_in_error;
  std::optional<storage::backlog_snapshot> backlog;  // for the backlog ETA gauges
  // Jobs held by rate limits past sync.throttle_horizon (storage/page_notices).
  std::optional<std::int64_t> throttled_past_horizon;
};

class probe_figures {
 public:
  probe_figures(storage::database& db, storage::job_queue& queue,
                std::chrono::milliseconds max_age = std::chrono::seconds(1))
      : db_(db), queue_(queue), max_age_(max_age) {}

  // The figures, read again when the last read is older than max_age. While one read is under
  // way, other callers get the previous figures (or wait for the first ever read).
  boost::asio::awaitable<database_figures> get();

  // How many times Postgres was read (ngsync_probe_database_reads_total).
  std::uint64_t reads() const { return reads_; }
  void set_throttle_horizon(std::chrono::seconds h) { throttle_horizon_ = h; }

 private:
  storage::database& db_;
  storage::job_queue& queue_;
  std::chrono::milliseconds max_age_;
  std::optional<database_figures> last_;
  std::chrono::steady_clock::time_point read_at_{};
  std::chrono::seconds throttle_horizon_{3600};
  bool reading_ = false;
  std::uint64_t reads_ = 0;
  // The backlog is a scan of every waiting job: read at most every 15 s, an ETA's resolution.
  std::optional<storage::backlog_snapshot> backlog_;
  std::chrono::steady_clock::time_point backlog_read_at_{};
};

}  // namespace ngsync::engine
