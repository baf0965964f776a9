#include "daemon/engine/poller.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/this_coro.hpp>

#include "core/log/logging.hpp"
#include "core/net/background.hpp"
#include "core/sync/poll_rules.hpp"
#include "core/sync/sync_run_id.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/crash_points.hpp"
#include "daemon/services/daemon_metrics.hpp"
#include "storage/sync_jobs.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

template <class T>
using background = ngsync::net::background<T>;
using pending_query = background<notion::query_page>;
using pending_enqueue = background<std::int64_t>;

std::shared_ptr<pending_query> start_query(const net::any_io_executor& ex,
                                           notion::notion_port& notion, const std::string& ds,
                                           const std::optional<std::string>& since,
                                           const std::optional<std::string>& cursor,
                                           bool in_trash) {
  return pending_query::start(ex, [&notion, ds, since, cursor, in_trash] {
    return notion.query_edited_since(ds, since, cursor, 100, in_trash);
  });
}

}  // namespace

poller::poller(storage::database& db, storage::job_queue& queue, notion::notion_port& notion,
               const sync::mapping_binding& mapping, std::string data_source_id,
               poller_settings settings)
    : polls_(db, queue, data_source_id),
      notion_(notion),
      mapping_(mapping),
      data_source_id_(std::move(data_source_id)),
      settings_(settings) {}

// One poll_once's state: what it saw, what it holds back, and the batches being written.
struct poller::poll_pass {
  poll_result result;
  std::optional<std::string> since;  // the stored watermark (none: from the beginning)
  sync::poll_marks marks;            // where the watermark goes
  std::set<std::string> enqueued_here;
  // Batches being written to the queue, oldest first, and the pages each holds.
  std::deque<std::shared_ptr<pending_enqueue>> writing;
  sync::pages_in_flight writing_pages;
};

net::awaitable<poll_result> poller::poll_once() {
  const auto started = std::chrono::steady_clock::now();
  const auto ds = data_source_id_;
  poll_pass pass;
  const auto stored = co_await polls_.watermark();
  if (stored) pass.since = iso8601::format(*stored);
  const auto ex = co_await net::this_coro::executor;
  // Live pages first, then the pages trashed since the watermark (a query leaves those out, and a
  // trashed page must close its issue with the shipped defaults, webhooks or not).
  bool in_trash = false;
  auto fetching = start_query(ex, notion_, ds, pass.since, std::nullopt, in_trash);
  for (bool more = true; more;) {
    auto page = co_await fetching->result();
    ++pass.result.queries;
    more = page.has_more && page.next_cursor;
    if (more) {
      fetching = start_query(ex, notion_, ds, pass.since, page.next_cursor, in_trash);
    } else if (!in_trash && mapping_.rules.close_on_trash) {
      in_trash = more = true;
      fetching = start_query(ex, notion_, ds, pass.since, std::nullopt, in_trash);
    }
    report_skipped(page);
    // Two statements: GCC 12 mishandles a co_await inside a call's argument list.
    auto specs = co_await jobs_for(pass, page);
    co_await write_batch(pass, std::move(specs), page, more);
  }
  while (!pass.writing.empty()) co_await written_oldest(pass);
  auto& result = pass.result;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  last_success_ = std::chrono::steady_clock::now();
  last_result_ = result;
  metrics().poll_finished(ds, result.duration, result.pages_seen);
  log::get("poll")->log(
      result.jobs_enqueued ? spdlog::level::info : spdlog::level::debug,
      "data_source={} mapping={} pages={} enqueued={} skipped={} (own write-backs read again={}) "
      "queries={} ms={}",
      ds, mapping_.name, result.pages_seen, result.jobs_enqueued, result.pages_skipped,
      result.own_write_backs_reread, result.queries, result.duration.count());
  co_return result;
}

void poller::report_skipped(const notion::query_page& page) const {
  auto logger = log::get("poll");
  if (page.hit_result_cap) {
    logger->warn(
        "data_source={} query hit Notion's 10,000-result cap; the next poll continues from the "
        "newest page seen",
        data_source_id_);
  }
  for (const auto& bad : page.unparsable) {
    logger->warn("data_source={} skipped a result that does not parse: {}", data_source_id_, bad);
  }
}

net::awaitable<std::vector<storage::job_spec>> poller::jobs_for(poll_pass& pass,
                                                                const notion::query_page& page) {
  std::vector<std::string> ids;
  for (const auto& p : page.pages) ids.push_back(p.id);
  pass.result.pages_seen += static_cast<std::int64_t>(page.pages.size());
  std::map<std::string, storage::link_sync_state> links;
  if (!ids.empty()) {
    links = co_await polls_.link_states(std::move(ids));
  }
  std::vector<storage::job_spec> specs;
  for (const auto& p : page.pages) {
    const auto edited = iso8601::parse(p.last_edited_time);
    std::optional<sync::polled_link> link;
    if (auto it = links.find(p.id); it != links.end()) {
      link = sync::polled_link{
          sync::link_status_from(it->second.sync_status).value_or(sync::link_status::pending),
          it->second.notion_last_edited, it->second.last_synced_at};
    }
    const auto verdict =
        sync::judge_polled_page(p, edited, link, pass.enqueued_here.contains(p.id), mapping_.rules);
    pass.marks.saw(edited, verdict);
    if (verdict == sync::poll_verdict::own_write_back) ++pass.result.own_write_backs_reread;
    if (verdict != sync::poll_verdict::enqueue) {
      ++pass.result.pages_skipped;
      continue;
    }
    specs.push_back(job_for(p, page.raw));
    pass.enqueued_here.insert(p.id);
  }
  co_return specs;
}

storage::job_spec poller::job_for(const notion::notion_page& p,
                                  const std::vector<boost::json::value>& raw_pages) const {
  sync::sync_page_hint hint;
  hint.page_id = p.id;
  hint.data_source_id = data_source_id_;
  hint.mapping = mapping_.name;
  // Matched by id: a result that does not parse is in the raw list, not in the pages.
  for (const auto& raw : raw_pages) {
    const auto* o = raw.if_object();
    const auto* id = o ? o->if_contains("id") : nullptr;
    if (id && id->is_string() && id->as_string() == p.id) {
      hint.page = raw;
      break;
    }
  }
  hint.sync_run_id = sync::make_sync_run_id(p.id, p.last_edited_time);
  return storage::to_job_spec(hint, settings_.max_attempts);
}

net::awaitable<void> poller::written_oldest(poll_pass& pass) {
  auto oldest = std::move(pass.writing.front());
  pass.writing.pop_front();
  pass.writing_pages.pop_front();
  pass.result.jobs_enqueued += co_await oldest->result();
}

net::awaitable<void> poller::write_batch(poll_pass& pass, std::vector<storage::job_spec> specs,
                                         const notion::query_page& page, bool more) {
  // The last batch and the watermark commit together; earlier batches commit on their own
  // (a crash in between re-polls from the old watermark, and the hints merge).
  std::optional<storage::watermark_move> last;
  if (!more) {
    const auto overlap = std::chrono::duration_cast<std::chrono::microseconds>(settings_.overlap);
    last = storage::watermark_move{pass.marks.watermark(overlap),
                                   static_cast<std::int64_t>(page.pages.size()), overlap};
  }
  // Earlier batches commit in any order; the last one, and any sharing a page with one in
  // flight, wait (core/sync/poll_rules.hpp, batch_waits).
  sync::batch_pages batch_pages;
  for (const auto& p : page.pages) batch_pages.insert(p.id);
  while (sync::batch_waits(pass.writing_pages, batch_pages, !more, settings_.batches_in_flight)) {
    co_await written_oldest(pass);
  }
  // The executor first: GCC 12 mishandles a co_await inside a call's argument list.
  const auto ex = co_await net::this_coro::executor;
  pass.writing.push_back(pending_enqueue::start(
      ex, [this, specs = std::move(specs), last, more]() mutable -> net::awaitable<std::int64_t> {
        const auto n = co_await polls_.enqueue(std::move(specs), last);
        if (more) crash_point(crash_after_poll_batch);  // committed
        co_return n;
      }));
  pass.writing_pages.push_back(std::move(batch_pages));
}

}  // namespace ngsync::engine
