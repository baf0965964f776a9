#include "daemon/services/probe_figures.hpp"

#include "storage/link_store.hpp"
#include "storage/migrator.hpp"
#include "storage/page_notices.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

net::awaitable<database_figures> probe_figures::get() {
  const auto now = std::chrono::steady_clock::now();
  if (last_ && (reading_ || now - read_at_ < max_age_)) co_return *last_;
  reading_ = true;
  ++reads_;
  database_figures f;
  try {
    auto check_schema = [](storage::session s) { return storage::schema_is_current(s); };
    f.schema_current =
        co_await db_.on_session(std::move(check_schema), storage::retry_policy::once);
    f.reachable = true;
    f.queue = co_await queue_.stats();
    auto count_errors = [horizon = throttle_horizon_](storage::transaction t) {
      return std::pair{storage::link_store::count_pages_in_error(t),
                       storage::page_notices::throttled_past(t, horizon,
                                                             std::chrono::system_clock::now())};
    };
    const auto [errors, throttled] =
        co_await db_.read(std::move(count_errors), storage::retry_policy::once);
    f.pages_in_error = errors;
    f.throttled_past_horizon = throttled;
    if (!backlog_ || now - backlog_read_at_ >= std::chrono::seconds(15)) {
      auto read_backlog = [](storage::transaction t) {
        return storage::read_backlog(t, std::chrono::system_clock::now());
      };
      backlog_ = co_await db_.read(std::move(read_backlog), storage::retry_policy::once);
      backlog_read_at_ = now;
    }
    f.backlog = backlog_;
  } catch (const std::exception&) {
    // Postgres is down or slow: the probes answer with what they have (reachable=false).
  }
  reading_ = false;
  read_at_ = std::chrono::steady_clock::now();
  last_ = f;
  co_return f;
}

}  // namespace ngsync::engine
