#include "daemon/services/pruner.hpp"

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/logging.hpp"
#include "storage/retention.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

pruner::pruner(storage::database& db, pruner_settings s, std::function<bool()> gate)
    : db_(db), settings_(s), gate_(std::move(gate)) {}

net::awaitable<prune_counts> pruner::prune_once() {
  using prune_fn = std::int64_t (*)(storage::session, storage::sys_time, int);
  const auto now = std::chrono::system_clock::now();
  prune_counts pass;
  auto table = [&](prune_fn fn, std::chrono::seconds keep,
                   std::int64_t& count) -> net::awaitable<void> {
    const auto before = now - keep;
    const int limit = settings_.batch_size;
    for (int i = 0; i < settings_.max_batches_per_table; ++i) {
      // Each batch is its own transaction on a pool thread; the event loop runs on meanwhile.
      auto batch = [fn, before, limit](storage::session s) { return fn(s, before, limit); };
      const auto n = co_await db_.on_session(std::move(batch));
      count += n;
      if (n < limit) break;
    }
  };
  auto logger = log::get("prune");
  try {
    co_await table(&storage::prune_completed_jobs, settings_.keep_completed, pass.jobs);
    co_await table(&storage::prune_audit_rows, settings_.keep_audit, pass.audit_rows);
    co_await table(&storage::prune_webhook_deliveries, settings_.keep_webhook_deliveries,
                   pass.webhook_deliveries);
  } catch (const std::exception& e) {
    // A lock timeout or an outage: what was deleted stays deleted, the rest waits for the next
    // pass.
    logger->warn("prune pass stopped early: {}", log::redact(e.what()));
  }
  totals_.jobs += pass.jobs;
  totals_.audit_rows += pass.audit_rows;
  totals_.webhook_deliveries += pass.webhook_deliveries;
  if (pass.total() > 0) {
    logger->info("pruned completed_jobs={} api_audit={} webhook_deliveries={}", pass.jobs,
                 pass.audit_rows, pass.webhook_deliveries);
  }
  co_return pass;
}

net::awaitable<void> pruner::run(const bool* stopping) {
  if (settings_.interval.count() <= 0) co_return;
  net::steady_timer timer(co_await net::this_coro::executor);
  while (!*stopping) {
    if (gate_()) co_await prune_once();
    // Waits in slices of at most a second, so a stopping daemon is not held by this timer.
    const auto next = std::chrono::steady_clock::now() + settings_.interval;
    while (!*stopping && std::chrono::steady_clock::now() < next) {
      timer.expires_after(std::min<std::chrono::steady_clock::duration>(
          next - std::chrono::steady_clock::now(), std::chrono::seconds(1)));
      boost::system::error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  }
}

}  // namespace ngsync::engine
