#include "daemon/engine/repo_recovery.hpp"

#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

net::awaitable<bool> repo_recovery::before_create(github::github_port& github, std::string repo,
                                                  std::string data_source_id,
                                                  std::string own_login) {
  // One worker scans a repository; the others wait for it (a create must not pass the scan).
  for (bool waited = false;;) {
    {
      std::lock_guard lock(mutex_);
      auto& s = repos_[repo];
      if (s == state::settled) co_return waited;
      if (s == state::unknown) {
        s = state::running;
        break;
      }
    }
    waited = true;
    net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(50));
    co_await pause.async_wait(net::use_awaitable);
  }
  auto settle = [this, &repo](state to) {
    std::lock_guard lock(mutex_);
    repos_[repo] = to;
  };
  try {
    const auto need = co_await scan_records_.need(repo);
    if (need != storage::scan_need::needed) {
      settle(state::settled);
      co_return false;
    }
    if (own_login.empty()) {
      // Without the daemon's identity no issue can be told ours; nothing is adopted, and the
      // create goes on as before (the marker search after an unknown outcome still runs).
      log::get("sync")->warn(
          "{}: recovery scan skipped, the daemon's GitHub identity is unknown "
          "(set github.own_login)",
          repo);
      settle(state::settled);
      co_return false;
    }
    std::vector<storage::recovered_issue> found;
    int listed = 0;
    std::function<bool(const github::github_issue&)> keep =
        [&found, &listed, &own_login](const github::github_issue& issue) {
          ++listed;
          // The filter asked GitHub for the daemon's issues; the author is checked again here.
          const auto page = sync::page_of_own_issue(issue.body, issue.user_login, own_login);
          if (!page) return true;
          found.push_back(
              {*page, static_cast<int>(issue.number), issue.node_id, issue.html_url,
               issue.is_pull_request ? sync::issue_kind::draft_pr : sync::issue_kind::issue});
          return true;
        };
    std::optional<api::api_failure> refused;
    try {
      co_await github.list_issues_by_creator(repo, own_login, std::move(keep));
    } catch (const api::api_exception& e) {
      // Transient and throttled failures retry the job (the scan with it). A refusal (issues
      // disabled: 410; no access: 404) is left to the create, which meets the same answer and
      // shows it on the page; this process does not ask again, a restart does (no row).
      if (e.failure().kind != api::failure_kind::permanent) throw;
      refused = e.failure();
    }
    if (refused) {
      log::get("sync")->warn("{}: recovery scan refused ({}); creates go ahead without it", repo,
                             refused->describe());
      settle(state::settled);
      co_return false;
    }
    const auto marked = found.size();
    const auto linked = co_await scan_records_.record(repo, data_source_id, std::move(found));
    ++scans_;
    log::get("sync")->info(
        "{}: recovery scan read {} issue(s) the daemon opened, {} marked; {} "
        "page(s) re-linked{}",
        repo, listed, marked, linked.value_or(0),
        linked ? "" : " (another process recorded the scan first)");
    settle(state::settled);
    co_return true;
  } catch (...) {
    settle(state::unknown);  // the next create tries again
    throw;
  }
}

}  // namespace ngsync::engine
