// What a page shows while its sync is in trouble (issue 19 item 2): after the queue rescheduled
// a sync_page job, the page shows Pending and, in words, why and when it is tried again; after
// the job died, Error and why. The rules are core/sync/page_notice and page_outcome; the cause
// written is kept in page_notices (storage), so a retry with the same cause, or a restart, writes
// nothing: Notion's 3 requests/s are shared.
#include <fmt/format.h>

#include "core/log/logging.hpp"
#include "core/sync/page_outcome.hpp"
#include "daemon/engine/page_sync.hpp"
#include "storage/notice_port.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

std::optional<page_syncer::job_page> page_syncer::page_of_job(
    const storage::claimed_job& job) const {
  if (job.kind != sync::sync_page_kind) return std::nullopt;
  sync::sync_page_hint hint;
  try {
    hint = sync::hint_from_payload(job.payload);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto m = mappings_.find(hint.mapping);
  if (m == mappings_.end()) return std::nullopt;
  return job_page{hint.page_id, &m->second.rules.write_back};
}

net::awaitable<bool> page_syncer::show_on_page(std::string page_id, sync::write_back_action shown,
                                               const sync::write_back_properties& wb,
                                               std::string run) {
  auto props = sync::notion_write_back_properties(shown, wb);
  if (props.empty()) co_return false;  // the mapping writes none of these back
  auto notion_api = ports_.notion(std::move(run));
  co_await notion_api->update_page_properties(page_id, std::move(props));
  co_return true;
}

net::awaitable<void> page_syncer::report_failure(storage::claimed_job job, std::string error,
                                                 bool dead) {
  const auto page = page_of_job(job);
  if (!page) co_return;
  const auto run = job.sync_run_id.value_or("");
  if (dead) co_await links_.mark_error(page->id, error, run);
  const auto shown = sync::failure_to_show(*page->write_back, error, dead, job.attempts);
  if (!shown) co_return;
  try {
    co_await show_on_page(page->id, *shown, *page->write_back, run);
  } catch (const std::exception& e) {
    log::get("sync")->warn("page={} could not show the failure on the page: {}", page->id,
                           e.what());
  }
}

net::awaitable<void> page_syncer::load_page_notices() {
  storage::notice_port notices(db_);
  auto pages = co_await notices.noticed_pages();
  std::lock_guard lock(noticed_mutex_);
  noticed_pages_.merge(pages);
}

net::awaitable<void> page_syncer::forget_trouble(std::string page_id) {
  {
    std::lock_guard lock(noticed_mutex_);
    if (noticed_pages_.erase(page_id) == 0) co_return;
  }
  storage::notice_port notices(db_);
  try {
    co_await notices.clear(page_id);
  } catch (const std::exception& e) {
    // The row stays: the page's next trouble with the same cause is not written again, which
    // is what it showed anyway until the success wrote over it. Retried on the next success.
    std::lock_guard lock(noticed_mutex_);
    noticed_pages_.insert(page_id);
    log::get("sync")->warn("page={} could not forget its notice: {}", page_id, e.what());
  }
}

net::awaitable<void> page_syncer::report_trouble(storage::claimed_job job,
                                                 std::optional<api::api_failure> failure) {
  auto logger = log::get("sync");
  const auto page = page_of_job(job);
  if (!page) co_return;
  const auto page_id = page->id;
  storage::notice_port notices(db_);
  try {
    const auto job_id = job.id;
    const auto [timing, shown] = co_await notices.state(job_id, page_id);
    if (!timing) co_return;  // already running again or settled: nothing true to say
    const auto trouble =
        failure ? sync::trouble_of(*failure, timing->created_at, timing->run_at)
                : sync::sync_trouble{{}, 0, {}, false, timing->created_at, timing->run_at};
    const auto now = ports_.now();
    if (!sync::notice_due(trouble, now, notice_settings_)) co_return;
    const auto cause = sync::trouble_cause(trouble);
    if (!sync::notice_changes(shown, cause)) co_return;
    const auto text = sync::trouble_notice(trouble, now, notice_settings_);

    const auto pending = sync::pending_to_show(*page->write_back, text);
    const auto run = job.sync_run_id.value_or("");  // named: GCC 12 and co_await temporaries
    if (co_await show_on_page(page_id, pending, *page->write_back, run)) {
      ++counters_.pages_written_back;
    }
    // Recorded even when the mapping writes nothing back: the count of jobs stuck behind rate
    // limits (status, /metrics) reads it.
    storage::page_notice_row row{cause, trouble.rate_limited, trouble.waiting_since, job.id};
    co_await notices.record(page_id, row);
    {
      std::lock_guard lock(noticed_mutex_);
      noticed_pages_.insert(page_id);
    }
    logger->info("page={} shows Pending: {}", page_id, text);
  } catch (const std::exception& e) {
    // Not written: the next retry tries again (nothing was recorded).
    logger->warn("page={} could not show its trouble on the page: {}", page_id, e.what());
  }
}

}  // namespace ngsync::engine
