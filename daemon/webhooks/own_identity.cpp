#include "daemon/webhooks/own_identity.hpp"

#include <boost/json.hpp>

#include "core/github/github_client.hpp"
#include "core/log/logging.hpp"

namespace ngsync::webhooks {
namespace net = boost::asio;
namespace json = boost::json;

net::awaitable<own_identity> learn_own_identity(const config::config& c,
                                                ratelimit::api_caller& notion,
                                                ratelimit::api_caller& github) {
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
  }
  if (me.github_login.empty()) {
    logger->warn(
        "GitHub identity unknown: set github.own_login (\"<slug>[bot]\" for an App) so the "
        "daemon's own issue changes are recognised by sender");
  }
  try {
    ratelimit::api_request req;
    req.path = "/v1/users/me";
    auto result = co_await notion.call(std::move(req));
    if (result.ok()) {
      boost::system::error_code ec;
      auto v = json::parse(result.response->body, ec);
      if (!ec && v.is_object()) {
        if (auto* id = v.as_object().if_contains("id"); id && id->is_string())
          me.notion_bot_id = id->as_string().c_str();
      }
    }
  } catch (const std::exception& e) {
    logger->warn("could not read the Notion bot id (GET /v1/users/me): {}", log::redact(e.what()));
  }
  logger->info("own identity: github_login={} notion_bot={}",
               me.github_login.empty() ? "(unknown)" : me.github_login,
               me.notion_bot_id.empty() ? "(unknown)" : me.notion_bot_id);
  co_return me;
}

}  // namespace ngsync::webhooks
