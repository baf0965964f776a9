#pragma once
// One API's request tokens shared by every replica on a database (sync-model.md §6): a token
// bucket kept in the rate_budget row, refilled by the database clock and allowed to go into
// debt, from which each replica leases a few tokens per round trip instead of one per request.
// Pauses after a 429 or secondary limit are shared through a second row, `<api>/paused_until`.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/ratelimit/token_bucket.hpp"
#include "storage/pqxx_forward.hpp"

namespace ngsync::storage {

struct shared_budget_settings {
  std::string database_url;
  std::string api;  // the rate_budget row: "notion", "github"
  double rate_per_second = 10;
  double burst = 20;
  // Tokens leased per round trip; 0 = rate/4 clamped to 1..5, or at high rates what the rate
  // earns in `lease_span` up to the burst (so round trips do not bound the request rate).
  // Leased tokens unused after the time they took to earn (at least `min_hold`) are dropped, so
  // a quiet replica cannot hoard a burst.
  double batch = 0;
  std::chrono::milliseconds lease_span{20};
  std::chrono::milliseconds min_hold{50};
  // After a failed round trip, requests use a local bucket at this share of the rate for
  // `retry_after_failure` before the database is tried again (Postgres may be restarting).
  double fallback_share = 1.0 / 3;
  std::chrono::milliseconds retry_after_failure{2'000};
  std::chrono::milliseconds statement_timeout{2'000};
};

struct shared_budget_counters {
  std::uint64_t leases = 0;    // round trips that leased tokens
  std::uint64_t failures = 0;  // round trips that failed (fallback used)
};

// Threading rule: like api_budget, one instance lives on one thread (the I/O thread). Each
// lease is one short blocking UPDATE on the budget's own connection, once per `batch` requests.
class shared_rate_budget final : public ratelimit::request_budget {
 public:
  shared_rate_budget(shared_budget_settings settings, ratelimit::steady_time now);
  ~shared_rate_budget() override;

  ratelimit::steady_time reserve(ratelimit::steady_time now, double tokens) override;
  double available(ratelimit::steady_time now) override;

  // Publishes a local pause (a later shared one wins) and returns the shared pause's end when
  // it is still in force. Blocking, one statement; nullopt also when the database failed.
  std::optional<ratelimit::system_time> share_pause(std::optional<ratelimit::system_time> local);

  const shared_budget_counters& counters() const { return counters_; }
  double batch() const { return batch_; }

 private:
  pqxx::connection& connection();
  void drop_connection(const std::exception& e);

  shared_budget_settings settings_;
  double batch_;
  std::unique_ptr<pqxx::connection> conn_;
  double stock_ = 0;  // leased tokens not yet spent
  ratelimit::steady_time ready_at_{};
  ratelimit::steady_time stock_expires_{};
  ratelimit::steady_time db_retry_at_{};
  ratelimit::token_bucket fallback_;
  shared_budget_counters counters_;
};

}  // namespace ngsync::storage
