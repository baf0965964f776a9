#include "daemon/services/audit_recorder.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/logging.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

void audit_recorder::record(const ratelimit::attempt_record& a, const std::string& excerpt) {
  storage::api_call call;
  call.at = std::chrono::system_clock::now();
  if (!a.sync_run_id.empty()) call.sync_run_id = a.sync_run_id;
  call.api = a.api;
  call.method = std::string(boost::beast::http::to_string(a.method));
  call.path = a.path;
  if (a.status != 0) call.status = static_cast<int>(a.status);
  call.latency_ms = static_cast<int>(a.latency.count());
  if (!a.request_id.empty()) call.request_id = a.request_id;
  for (const auto& [name, value] : a.rate_limit_headers) call.rate_limit[name] = value;
  if (a.error) call.error = a.error.message();
  if (a.status >= 400 && !excerpt.empty()) {
    call.response_excerpt = storage::audit_log::safe_excerpt(excerpt);
  }
  pending_.push_back(std::move(call));
}

net::awaitable<void> audit_recorder::flush() {
  if (pending_.empty()) co_return;
  auto batch = std::move(pending_);
  pending_.clear();
  const auto n = batch.size();
  try {
    auto append_rows = [batch = std::move(batch)](storage::transaction t) {
      storage::audit_log::append_batch(t, batch);
    };
    co_await db_.write(std::move(append_rows));
    written_ += n;
  } catch (const std::exception& e) {
    // Auditing must not stop the sync: the rows are dropped and the loss is logged.
    log::get("audit")->warn("audit rows lost count={} error={}", n, e.what());
  }
}

net::awaitable<void> audit_recorder::run_flusher(std::chrono::milliseconds interval) {
  auto timer = std::make_shared<net::steady_timer>(co_await net::this_coro::executor);
  timer_ = timer;
  while (!stopping_) {
    timer->expires_after(interval);
    boost::system::error_code ec;
    co_await timer->async_wait(net::redirect_error(net::use_awaitable, ec));
    co_await flush();
  }
  co_await flush();
}

}  // namespace ngsync::engine
