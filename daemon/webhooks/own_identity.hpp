#pragma once
// Who the daemon is on each side, learned at start-up, so webhooks caused by its own writes are
// recognised and dropped (echo suppression, sync-model.md §4).
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "core/github/app_auth.hpp"
#include "core/ratelimit/api_caller.hpp"

namespace ngsync::webhooks {

struct own_identity {
  std::string github_login;   // token user's login, or "<slug>[bot]" for a GitHub App
  std::string notion_bot_id;  // GET /v1/users/me -> id
};

// github.own_login when configured, else GET /user with a token, or GET /app with an App's JWT
// ("<slug>[bot]"; an installation token cannot read /user). GET /v1/users/me for Notion, only
// when `with_notion` (webhooks need it, the sync does not). A failed look-up leaves the field
// empty and is logged: echo suppression then rests on the "equal to what the daemon last
// wrote" rule alone, and no marked issue or comment is adopted (core/sync/adoption.hpp).
boost::asio::awaitable<own_identity> learn_own_identity(const config::config& c,
                                                        ratelimit::api_caller& notion,
                                                        ratelimit::api_caller& github,
                                                        github::app_authenticator* app,
                                                        bool with_notion);

}  // namespace ngsync::webhooks
