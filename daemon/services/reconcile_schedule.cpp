#include "daemon/services/reconcile_schedule.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/logging.hpp"
#include "daemon/engine/reconciler.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

net::awaitable<void> run_periodic_reconcile(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, sync::mapping_binding>& mappings, const config::config& c,
    const bool* stopping, std::string own_github_login, std::function<bool()> may_run) {
  auto logger = log::get("reconcile");
  const auto executor = co_await net::this_coro::executor;  // not in an argument list: GCC 12
  net::steady_timer timer(executor);
  while (!*stopping) {
    // The interval is waited out a second at a time: now that passes are on by default, one
    // long timer would hold a stopping daemon until it fired.
    const auto due = std::chrono::steady_clock::now() + c.sync.reconcile_interval;
    for (auto left = c.sync.reconcile_interval; !*stopping && left.count() > 0;) {
      timer.expires_after(
          std::min<std::chrono::steady_clock::duration>(left, std::chrono::seconds(1)));
      boost::system::error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      left = std::chrono::duration_cast<std::chrono::milliseconds>(
          due - std::chrono::steady_clock::now());
    }
    if (*stopping) break;
    // Replicas: only the holder of the reconcile lease runs the periodic pass.
    if (may_run && !may_run()) continue;
    try {
      reconcile_options o;
      o.mode = reconcile_mode::slice;
      o.own_github_login = own_github_login;
      co_await reconcile(db, queue, ports, mappings, c, o);
    } catch (const std::exception& e) {
      logger->warn("reconcile failed: {}", log::redact(e.what()));
    }
  }
}

}  // namespace ngsync::engine
