#include "daemon/webhooks/own_identity.hpp"

#include <boost/json.hpp>

#include "core/github/github_client.hpp"
#include "core/log/logging.hpp"

namespace ngsync::webhooks {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
// GET /v1/users/me: the integration's bot user, the author of the daemon's own Notion edits.
net::awaitable<std::string> notion_bot_id(ratelimit::api_caller& notion) {
  try {
    ratelimit::api_request req;
    req.path = "/v1/users/me";
    auto result = co_await notion.call(std::move(req));
    if (result.ok()) {
      boost::system::error_code ec;
      auto v = json::parse(result.response->body, ec);
      if (!ec && v.is_object()) {
        if (auto* id = v.as_object().if_contains("id"); id && id->is_string())
          co_return std::string(id->as_string().c_str());
      }
    }
  } catch (const std::exception& e) {
    log::get("webhook")->warn("could not read the Notion bot id (GET /v1/users/me): {}",
                              log::redact(e.what()));
  }
  co_return std::string();
}
}  // namespace

net::awaitable<own_identity> learn_own_identity(const config::config& c,
                                                ratelimit::api_caller& notion,
                                                ratelimit::api_caller& github,
                                                github::app_authenticator* app,
                                                bool with_notion) {
  auto logger = log::get("webhook");
  own_identity me;
  me.github_login = c.github.own_login;
  if (me.github_login.empty() && !c.github.app) {
    try {
      github::github_client api(github);
      me.github_login = co_await api.own_login();
    } catch (const std::exception& e) {
      logger->warn("could not read the GitHub login (GET /user): {}", log::redact(e.what()));
    }
  } else if (me.github_login.empty() && app) {
    try {
      me.github_login = co_await app->bot_login();
    } catch (const std::exception& e) {
      logger->warn("could not read the GitHub App's slug (GET /app): {}", log::redact(e.what()));
    }
  }
  if (me.github_login.empty()) {
    logger->warn(
        "GitHub identity unknown: set github.own_login (\"<slug>[bot]\" for an App) so the "
        "daemon's own issue changes are recognised by sender, and issues it created before a "
        "lost write can be adopted");
  }
  if (with_notion) me.notion_bot_id = co_await notion_bot_id(notion);
  logger->info("own identity: github_login={} notion_bot={}",
               me.github_login.empty() ? "(unknown)" : me.github_login,
               me.notion_bot_id.empty() ? "(unknown)" : me.notion_bot_id);
  co_return me;
}

}  // namespace ngsync::webhooks
