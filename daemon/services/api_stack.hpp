#pragma once
// The outbound side of the daemon, built from the configuration: one HTTPS client (pooled,
// verified TLS, proxy from the environment), one api_caller per API with its budget, GitHub App
// or token authorization, the Notion and GitHub clients, and the audit recorder they report to.
#include <memory>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "core/github/app_auth.hpp"
#include "core/github/github_client.hpp"
#include "core/http/client.hpp"
#include "core/notion/notion_client.hpp"
#include "core/ratelimit/api_caller.hpp"
#include "daemon/services/audit_recorder.hpp"
#include "storage/shared_rate_budget.hpp"
#include "storage/shared_write_schedule.hpp"

namespace ngsync::engine {

class api_stack {
 public:
  // `transport`: where the callers send (the engine's in-process tests); null: the HTTPS client.
  api_stack(boost::asio::any_io_executor executor, const config::config& c, audit_recorder& audit,
            http::transport* transport = nullptr);

  http::client& http() { return *http_; }
  ratelimit::api_caller& notion_caller() { return *notion_caller_; }
  ratelimit::api_caller& github_caller() { return *github_caller_; }
  notion::notion_client& notion() { return *notion_; }
  github::github_client& github() { return *github_; }
  github::app_authenticator* app_auth() { return app_auth_.get(); }

  // Replicas (sync.shared_rate_budget): every second, publishes this process's 429/secondary-
  // limit pauses to Postgres and applies the ones other replicas saw. Returns at once when the
  // budgets are local.
  boost::asio::awaitable<void> share_pauses(const bool* stopping);
  // One exchange now: a process (re)started inside a pause another process was given learns of
  // it before its first request.
  void exchange_pauses_now();
  bool shares_budget() const { return notion_shared_ != nullptr; }

 private:
  std::unique_ptr<http::client> http_;
  std::unique_ptr<ratelimit::api_caller> notion_caller_;
  std::unique_ptr<ratelimit::api_caller> github_caller_;
  std::unique_ptr<github::app_authenticator> app_auth_;
  std::unique_ptr<notion::notion_client> notion_;
  std::unique_ptr<github::github_client> github_;
  storage::shared_rate_budget* notion_shared_ = nullptr;  // owned by the callers' budgets
  storage::shared_rate_budget* github_shared_ = nullptr;
};

}  // namespace ngsync::engine
