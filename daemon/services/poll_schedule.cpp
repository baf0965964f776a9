#include "daemon/services/poll_schedule.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/logging.hpp"
#include "daemon/services/daemon_metrics.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

poll_schedule::poll_schedule(poller& polled, storage::database& db, storage::job_queue& queue)
    : poller_(polled), cursor_(db, queue, polled.data_source_id()) {}

void poll_schedule::stop() {
  stopping_ = true;
  if (timer_) timer_->cancel();
}

net::awaitable<void> poll_schedule::run() {
  // The executor first: GCC 12 mishandles a co_await inside a call's argument list.
  const auto ex = co_await net::this_coro::executor;
  timer_ = std::make_shared<net::steady_timer>(ex);
  auto& timer = *timer_;
  auto logger = log::get("poll");
  const auto& ds = poller_.data_source_id();
  while (!stopping_) {
    std::string error;
    const bool leads = !gate_ || gate_();
    try {
      if (leads) co_await poller_.poll_once();
    } catch (const std::exception& e) {
      metrics().poll_failed(ds);
      error = log::redact(e.what());
      logger->warn("data_source={} poll failed: {}", ds, error);
    }
    if (!error.empty()) {
      try {
        co_await cursor_.record_error(error);
      } catch (const std::exception&) {
        // Postgres may be the failure; the next poll records again.
      }
    }
    timer.expires_after(poller_.settings().interval);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
}

}  // namespace ngsync::engine
