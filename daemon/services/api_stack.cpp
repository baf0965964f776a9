#include "daemon/services/api_stack.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/logging.hpp"
#include "daemon/services/daemon_metrics.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

ratelimit::budget_config budget_of(const config::rate_limit& limits) {
  ratelimit::budget_config b;
  b.rate_per_second = limits.requests_per_second;
  b.burst = limits.burst;
  return b;
}

std::unique_ptr<ratelimit::request_budget> tokens_of(const config::config& c,
                                                     const ratelimit::budget_config& b,
                                                     const char* api,
                                                     storage::shared_rate_budget** shared) {
  if (!c.sync.shared_rate_budget) return nullptr;  // the caller builds a local bucket
  storage::shared_budget_settings s;
  s.database_url = c.database.url.reveal();
  s.api = api;
  s.rate_per_second = b.rate_per_second;
  s.burst = b.burst;
  auto budget = std::make_unique<storage::shared_rate_budget>(s, ratelimit::steady_clock::now());
  *shared = budget.get();
  return budget;
}

// One exchange of pauses between a caller's budget and its shared row.
void exchange_pause(ratelimit::api_caller& caller, storage::shared_rate_budget& shared) {
  auto& budget = caller.budget();
  std::optional<ratelimit::system_time> local;
  if (auto until = budget.paused_until()) local = budget.clock().to_system(*until);
  if (auto theirs = shared.share_pause(local)) {
    if (!local || *theirs > *local + std::chrono::milliseconds(50)) {
      log::get("ratelimit")
          ->info("api={} paused by another replica for {} ms", caller.config().name,
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     *theirs - std::chrono::system_clock::now())
                     .count());
      budget.pause_until(budget.clock().to_steady(*theirs));
    }
  }
}

}  // namespace

void api_stack::exchange_pauses_now() {
  if (!notion_shared_ || !github_shared_) return;
  exchange_pause(*notion_caller_, *notion_shared_);
  exchange_pause(*github_caller_, *github_shared_);
}

net::awaitable<void> api_stack::share_pauses(const bool* stopping) {
  if (!notion_shared_ || !github_shared_) co_return;
  net::steady_timer timer(co_await net::this_coro::executor);
  while (!*stopping) {
    exchange_pauses_now();
    timer.expires_after(std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
}

api_stack::api_stack(net::any_io_executor executor, const config::config& c, audit_recorder& audit,
                     http::transport* transport) {
  http::client_config hc;
  hc.tls.extra_ca_file = c.http.ca_file;
  hc.proxy = http::proxy_settings::from_environment();
  hc.max_connections_per_origin = static_cast<std::size_t>(c.http.pool_size_per_host);
  hc.connect_timeout = c.http.connect_timeout;
  hc.handshake_timeout = c.http.tls_handshake_timeout;
  hc.request_timeout = c.http.request_timeout;
  hc.body_limit = c.http.max_response_bytes;
  hc.user_agent = std::string("ngsync/") + NGSYNC_VERSION;
  http_ = std::make_unique<http::client>(executor, hc);
  http::transport& sender = transport ? *transport : *http_;

  ratelimit::api_caller_config nc;
  nc.name = "notion";
  nc.flavor = ratelimit::api_flavor::notion;
  nc.base_url = c.notion.base_url;
  nc.default_headers.set("Notion-Version", c.notion.version);
  nc.default_headers.set("User-Agent", hc.user_agent);
  nc.budget = budget_of(c.notion.limits);
  nc.max_concurrent = static_cast<std::size_t>(c.notion.limits.max_concurrent);
  auto notion_tokens = tokens_of(c, nc.budget, "notion", &notion_shared_);
  notion_caller_ = std::make_unique<ratelimit::api_caller>(sender, nc, ratelimit::time_source{},
                                                           std::move(notion_tokens));
  const std::string notion_auth = "Bearer " + c.notion.token.reveal();
  notion_caller_->set_authorization_provider(
      [notion_auth](bool) -> net::awaitable<std::string> { co_return notion_auth; });
  notion_caller_->set_observer([&audit](const ratelimit::attempt_record& a) {
    audit.record(a, a.response_excerpt);
    metrics().api_attempt(a);
  });

  ratelimit::api_caller_config gc;
  gc.name = "github";
  gc.flavor = ratelimit::api_flavor::github;
  gc.base_url = c.github.base_url;
  while (!gc.base_url.empty() && gc.base_url.back() == '/') gc.base_url.pop_back();
  gc.default_headers.set("Accept", "application/vnd.github+json");
  gc.default_headers.set("X-GitHub-Api-Version", c.github.api_version);
  gc.default_headers.set("User-Agent", hc.user_agent);
  gc.budget = budget_of(c.github.limits);
  gc.budget.mutation_spacing = c.github.mutation_spacing;
  gc.budget.content_windows = {{std::chrono::seconds(60), c.github.content_creation_per_minute},
                               {std::chrono::seconds(3600), c.github.content_creation_per_hour}};
  gc.budget.pace_from_headers = true;
  gc.max_concurrent = static_cast<std::size_t>(c.github.limits.max_concurrent);
  auto github_tokens = tokens_of(c, gc.budget, "github", &github_shared_);
  github_caller_ = std::make_unique<ratelimit::api_caller>(sender, gc, ratelimit::time_source{},
                                                           std::move(github_tokens));
  if (c.sync.shared_rate_budget) {
    // The content-creation windows and mutation spacing too: a restart or another replica
    // must not start from an empty record.
    storage::shared_write_settings w;
    w.database_url = c.database.url.reveal();
    w.api = "github";
    w.mutation_spacing = gc.budget.mutation_spacing;
    w.content_windows = gc.budget.content_windows;
    github_caller_->budget().share_writes(std::make_unique<storage::shared_write_schedule>(w));
  }
  if (c.github.app) {
    app_auth_ = std::make_unique<github::app_authenticator>(
        *http_, gc.base_url, c.github.api_version, c.github.app->client_id,
        c.github.app->installation_id, c.github.app->private_key_pem.reveal());
    auto* auth = app_auth_.get();
    // The authenticator registers each token it mints for redaction, once.
    github_caller_->set_authorization_provider([auth](bool refresh) -> net::awaitable<std::string> {
      co_return co_await auth->authorization(refresh);
    });
  } else {
    const std::string github_auth = "Bearer " + c.github.token.reveal();
    github_caller_->set_authorization_provider(
        [github_auth](bool) -> net::awaitable<std::string> { co_return github_auth; });
  }
  github_caller_->set_observer([&audit](const ratelimit::attempt_record& a) {
    audit.record(a, a.response_excerpt);
    metrics().api_attempt(a);
  });

  // A pause is written to the shared row the moment it begins, not only at the next of the
  // once-a-second exchanges: a process killed in between would take it to its grave, and its
  // successor (or another replica) would call before the Retry-After passed.
  if (notion_shared_ && github_shared_) {
    notion_caller_->set_pause_listener(
        [this](ratelimit::system_time) { exchange_pause(*notion_caller_, *notion_shared_); });
    github_caller_->set_pause_listener(
        [this](ratelimit::system_time) { exchange_pause(*github_caller_, *github_shared_); });
  }

  notion_ = std::make_unique<notion::notion_client>(*notion_caller_);
  github_ = std::make_unique<github::github_client>(*github_caller_);
}

}  // namespace ngsync::engine
