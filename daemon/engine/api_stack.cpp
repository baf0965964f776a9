#include "daemon/engine/api_stack.hpp"

#include "core/log/logging.hpp"
#include "daemon/engine/daemon_metrics.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

ratelimit::budget_config budget_of(const config::rate_limit& limits) {
  ratelimit::budget_config b;
  b.rate_per_second = limits.requests_per_second;
  b.burst = limits.burst;
  return b;
}

}  // namespace

api_stack::api_stack(net::any_io_executor executor, const config::config& c,
                     audit_recorder& audit) {
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

  ratelimit::api_caller_config nc;
  nc.name = "notion";
  nc.flavor = ratelimit::api_flavor::notion;
  nc.base_url = c.notion.base_url;
  nc.default_headers.set("Notion-Version", c.notion.version);
  nc.default_headers.set("User-Agent", hc.user_agent);
  nc.budget = budget_of(c.notion.limits);
  nc.max_concurrent = static_cast<std::size_t>(c.notion.limits.max_concurrent);
  notion_caller_ = std::make_unique<ratelimit::api_caller>(*http_, nc);
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
  github_caller_ = std::make_unique<ratelimit::api_caller>(*http_, gc);
  if (c.github.app) {
    app_auth_ = std::make_unique<github::app_authenticator>(
        *http_, gc.base_url, c.github.api_version, c.github.app->client_id,
        c.github.app->installation_id, c.github.app->private_key_pem.reveal());
    auto* auth = app_auth_.get();
    github_caller_->set_authorization_provider([auth](bool refresh) -> net::awaitable<std::string> {
      auto value = co_await auth->authorization(refresh);
      log::register_secret(value.substr(7));  // the token after "Bearer "
      co_return value;
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

  notion_ = std::make_unique<notion::notion_client>(*notion_caller_);
  github_ = std::make_unique<github::github_client>(*github_caller_);
}

}  // namespace ngsync::engine
