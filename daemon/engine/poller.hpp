#pragma once
// Polls one Notion data source (sync-model.md §2): queries pages edited on or after the stored
// watermark, paginates to the end, enqueues one merged sync_page job per page that may need
// work, and advances the watermark (newest minute seen minus the overlap) in the transaction
// that enqueues the last batch. A poll that finds nothing costs one Notion call.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/notion/notion_port.hpp"
#include "core/sync/mapping_binding.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/poll_port.hpp"

namespace ngsync::engine {

struct poll_result {
  std::int64_t pages_seen = 0;
  std::int64_t jobs_enqueued = 0;  // new or merged
  std::int64_t pages_skipped = 0;  // already in sync, or not yet meant for GitHub
  // Pages this poll had already enqueued and read again after our own write-back moved them
  // to the end of the last-edited order (counted in pages_skipped too).
  std::int64_t own_write_backs_reread = 0;
  int queries = 0;  // Notion calls made
  std::chrono::milliseconds duration{0};
};

struct poller_settings {
  std::chrono::milliseconds interval{30'000};
  std::chrono::milliseconds overlap{120'000};
  int max_attempts = 10;
  // Query pages' batches written to the queue at once (each on its own pooled connection)
  // while the next page is read; the batch that carries the watermark always waits for them.
  int batches_in_flight = 3;
};

class poller {
 public:
  poller(storage::database& db, storage::job_queue& queue, notion::notion_port& notion,
         const sync::mapping_binding& mapping, std::string data_source_id,
         poller_settings settings);

  // One poll (daemon/services/poll_schedule runs them every interval).
  boost::asio::awaitable<poll_result> poll_once();

  const std::string& data_source_id() const { return data_source_id_; }
  const poller_settings& settings() const { return settings_; }
  // For /readyz and metrics: when the last poll succeeded (steady clock), if ever.
  std::optional<std::chrono::steady_clock::time_point> last_success() const {
    return last_success_;
  }
  const poll_result& last_result() const { return last_result_; }

 private:
  storage::poll_port polls_;  // made first, from the constructor's data_source_id
  struct poll_pass;
  void report_skipped(const notion::query_page& page) const;
  // The jobs for one query page's results (core/sync/poll_rules.hpp judges each page).
  boost::asio::awaitable<std::vector<storage::job_spec>> jobs_for(poll_pass& pass,
                                                                  const notion::query_page& page);
  // Writes one query page's jobs to the queue while the next page is read; the last batch
  // advances the watermark in its transaction.
  boost::asio::awaitable<void> write_batch(poll_pass& pass, std::vector<storage::job_spec> specs,
                                           const notion::query_page& page, bool more);
  // The job for a page the poll enqueues, carrying the page object as the query returned it.
  storage::job_spec job_for(const notion::notion_page& p,
                            const std::vector<boost::json::value>& raw_pages) const;
  static boost::asio::awaitable<void> written_oldest(poll_pass& pass);

  notion::notion_port& notion_;
  const sync::mapping_binding& mapping_;
  std::string data_source_id_;
  poller_settings settings_;
  std::optional<std::chrono::steady_clock::time_point> last_success_;
  poll_result last_result_;
};

}  // namespace ngsync::engine
