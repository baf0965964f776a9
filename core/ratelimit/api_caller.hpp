#pragma once
// One API as the sync engine sees it: base URL, default headers, authorization, the budget and
// limiter, throttle pauses and retries. Each attempt is reported to an observer (audit log)
// without the Authorization header. Throttling is a value (paused_until), not a failure.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/http/client_error.hpp"
#include "core/http/transport.hpp"
#include "core/ratelimit/api_budget.hpp"
#include "core/ratelimit/limiter.hpp"
#include "core/ratelimit/retry_policy.hpp"
#include "core/ratelimit/throttle.hpp"

namespace ngsync::ratelimit {

struct api_caller_config {
  std::string name = "api";  // "github", "notion": logger key and metrics label
  api_flavor flavor = api_flavor::generic;
  std::string base_url;                 // "https://api.github.com" (no trailing slash needed)
  http::header_fields default_headers;  // User-Agent, Accept, X-GitHub-Api-Version, Notion-Version
  budget_config budget;
  std::size_t max_concurrent = 10;
  retry_policy retry;
  // A pause longer than this is handed back to the caller (paused_until) instead of waited out.
  std::chrono::milliseconds max_pause_wait{5'000};
};

struct api_request {
  http::verb method = http::verb::get;
  std::string path;  // "/repos/o/r/issues?state=all", appended to base_url
  // When set, the request goes to this absolute URL instead of base_url + path (GitHub Enterprise
  // Server's GraphQL lives outside the REST base). `path` still names the call in logs and audit.
  std::string url;
  std::string body;
  http::header_fields headers;
  bool creates_content = false;    // GitHub: creates an issue, comment or PR
  std::optional<bool> idempotent;  // unset = from the verb
  bool refresh_auth_on_401 = true;
  std::string sync_run_id;  // tags the audit rows of this request
};

// What the observer sees of one attempt. Never carries request headers.
struct attempt_record {
  std::string api;
  http::verb method = http::verb::get;
  std::string path;
  int attempt = 1;
  unsigned status = 0;  // 0 when the transport failed
  std::chrono::milliseconds latency{0};
  std::string request_id;  // x-github-request-id / x-request-id / x-notion-request-id
  std::vector<std::pair<std::string, std::string>>
      rate_limit_headers;  // x-ratelimit-*, retry-after
  boost::system::error_code error;
  std::string sync_run_id;       // from the request
  std::string response_excerpt;  // the first 4 KB of a failed answer's body (status >= 400)
};

struct api_result {
  std::optional<http::response> response;  // the last answer, whatever its status
  boost::system::error_code error;         // transport error when there is no response
  // Set when the API is throttled: reschedule the job for this time WITHOUT counting a failed
  // attempt. `response` holds the 429/403 when the throttle came from this request.
  std::optional<system_time> paused_until;
  int attempts = 0;

  unsigned status() const { return response ? response->status : 0; }
  bool ok() const { return response && response->status >= 200 && response->status < 300; }
  bool throttled() const { return paused_until.has_value(); }
};

// Returns the full Authorization header value ("Bearer ..."); `force_refresh` after a 401.
using authorization_provider =
    std::function<boost::asio::awaitable<std::string>(bool force_refresh)>;
using attempt_observer = std::function<void(const attempt_record&)>;
// Told the moment a throttle answer pauses the API (before the request's caller hears of it),
// so the pause can be shared before anything else can happen, a crash included.
using pause_listener = std::function<void(system_time until)>;

struct caller_counters {
  budget_counters budget;
  std::uint64_t throttled_responses = 0;
  std::uint64_t retries = 0;
  std::uint64_t auth_refreshes = 0;
  std::size_t in_flight = 0;
};

class api_caller {
 public:
  // `tokens` = null: a local bucket from config.budget; later a Postgres-shared budget.
  api_caller(http::transport& client, api_caller_config config, time_source clock = {},
             std::unique_ptr<request_budget> tokens = nullptr);

  void set_authorization_provider(authorization_provider provider);
  void set_observer(attempt_observer observer);
  void set_pause_listener(pause_listener listener);

  // Never throws for network or HTTP outcomes. Idempotent requests are retried on 5xx and
  // retryable transport errors; a non-idempotent request is sent at most once (plus one resend
  // after a 401 refresh, which the server did not act on).
  boost::asio::awaitable<api_result> call(api_request req);

  caller_counters counters();
  api_budget& budget() { return budget_; }
  api_limiter& limiter() { return limiter_; }
  const api_caller_config& config() const { return config_; }

 private:
  void observe_headers(const http::response& resp);
  // The client's write gate: a pause that began after this request's reservation (a 429 seen
  // by another request while this one connected) holds it back; too long a pause drops it.
  std::optional<std::chrono::steady_clock::time_point> pause_hold() const;
  void report(const api_request& req, int attempt, std::chrono::milliseconds latency,
              const http::result& r);
  // One attempt's HTTP request (without the Authorization header, which call() awaits).
  http::request attempt_request(const api_request& req, bool idempotent);
  // A throttle answer: the whole API pauses until the server's time, listeners learn of it, and
  // `out` says until when.
  void enter_pause(const throttle_signal& sig, const api_request& req, unsigned status,
                   api_result& out);

  http::transport& client_;
  api_caller_config config_;
  api_budget budget_;
  api_limiter limiter_;
  authorization_provider auth_;
  attempt_observer observer_;
  pause_listener on_pause_;
  std::mt19937_64 rng_;
  std::uint64_t throttled_responses_ = 0;
  std::uint64_t retries_ = 0;
  std::uint64_t auth_refreshes_ = 0;
};

}  // namespace ngsync::ratelimit
