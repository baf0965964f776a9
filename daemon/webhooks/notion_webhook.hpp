#pragma once
// POST /webhooks/notion. Notion's one unsigned request, the verification POST, can come from
// anyone: its token is stored as *pending* (never logged; the operator reads it with `ngsync
// status --show-notion-verification`) and never checks a signature. The key that checks
// X-Notion-Signature is the token the operator confirmed (`ngsync webhook confirm-notion-token`,
// or `server.notion_webhook_token_env`); no request changes it. Unsigned requests are
// rate-limited. Signed `page.*` events become `sync_page` hints for the mapping that covers the
// page's data source; events authored by the daemon's own bot are dropped.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/http/server.hpp"
#include "core/sync/mapping_binding.hpp"
#include "daemon/webhooks/own_identity.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::webhooks {

struct notion_webhook_counters {
  std::uint64_t verifications = 0;  // unsigned verification tokens stored as pending
  std::uint64_t throttled = 0;      // unsigned requests refused by the rate limit (429)
  std::uint64_t refused = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t own = 0;
  std::uint64_t ignored = 0;
  std::uint64_t enqueued = 0;
};

struct notion_webhook_settings {
  int max_attempts = 10;
  // The value of `server.notion_webhook_token_env`: when set, the key, and the database's
  // confirmed token is not read.
  std::string configured_token;
  // The confirmed key is read from the database at most this long ago, so a confirmation on any
  // replica is in force everywhere within this time without a restart ...
  std::chrono::milliseconds key_refresh{5'000};
  // ... and at once after a signature fails, but not more often than this.
  std::chrono::milliseconds key_refresh_after_failure{1'000};
  // Unsigned requests accepted per minute (and at once); beyond that 429. Notion sends one per
  // subscription, an operator may ask it to resend a few times.
  int unsigned_per_minute = 5;
};

class notion_webhook_receiver {
 public:
  notion_webhook_receiver(storage::database& db, storage::job_queue& queue,
                          const std::map<std::string, sync::mapping_binding>& mappings,
                          notion_webhook_settings settings, const own_identity& me);

  boost::asio::awaitable<http::server_response> handle(http::server_request req);
  const notion_webhook_counters& counters() const { return counters_; }

 private:
  boost::asio::awaitable<http::server_response> unsigned_request(const http::server_request& req);
  // The key signatures are checked with; re-read when older than `max_age`.
  boost::asio::awaitable<std::optional<std::string>> key(std::chrono::milliseconds max_age);
  bool take_unsigned_slot(std::chrono::steady_clock::time_point now);

  storage::database& db_;
  storage::job_queue& queue_;
  const std::map<std::string, sync::mapping_binding>& mappings_;
  notion_webhook_settings settings_;
  const own_identity& me_;
  std::optional<std::string> key_;
  std::optional<std::chrono::steady_clock::time_point> key_read_at_;
  // Token bucket of the unsigned path.
  double unsigned_tokens_;
  std::chrono::steady_clock::time_point unsigned_refilled_at_;
  // Throttled requests are logged as a count, at most once per 10 s, not one line each.
  std::uint64_t throttled_unlogged_ = 0;
  std::chrono::steady_clock::time_point throttle_logged_at_{};
  notion_webhook_counters counters_;
};

}  // namespace ngsync::webhooks
