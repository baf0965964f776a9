#pragma once
// The GitHub REST calls the sync makes (core/github/github_port.hpp), each through the GitHub
// api_caller (budgets, pauses, retries, audit). Answers come back parsed; failures throw
// api::api_exception, classified.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/github_port.hpp"
#include "core/github/issue_model.hpp"
#include "core/ratelimit/api_caller.hpp"

namespace ngsync::github {

// "/repos/{owner}/{name}" for a validated repository name; a name that is not one throws a
// permanent (malformed) API failure, so nothing unchecked reaches a request path.
std::string repo_path(const std::string& repo);

class github_client final : public github_port {
 public:
  // `sync_run_id` tags every call's audit row; a client is cheap, so make one per job.
  explicit github_client(ratelimit::api_caller& caller, std::string sync_run_id = {})
      : caller_(caller), sync_run_id_(std::move(sync_run_id)) {}

  boost::asio::awaitable<github_issue> create_issue(std::string repo, new_issue issue) override;
  boost::asio::awaitable<github_issue> get_issue(std::string repo, std::int64_t number) override;
  boost::asio::awaitable<github_issue> update_issue(std::string repo, std::int64_t number,
                                                    issue_update update) override;
  boost::asio::awaitable<void> list_issues_since(
      std::string repo, std::optional<std::string> since_iso,
      std::function<bool(const github_issue&)> visit) override;
  boost::asio::awaitable<void> list_issues_by_creator(
      std::string repo, std::string creator,
      std::function<bool(const github_issue&)> visit) override;
  boost::asio::awaitable<std::vector<comment>> list_comments(std::string repo,
                                                             std::int64_t number) override;
  boost::asio::awaitable<comment> create_comment(std::string repo, std::int64_t number,
                                                 std::string body) override;
  boost::asio::awaitable<comment> update_comment(std::string repo, std::int64_t comment_id,
                                                 std::string body) override;
  boost::asio::awaitable<github_issue> create_draft_pr(std::string repo, std::string title,
                                                       std::string body, std::string head,
                                                       std::string base) override;
  boost::asio::awaitable<std::optional<std::string>> branch_head(std::string repo,
                                                                 std::string branch) override;
  boost::asio::awaitable<git_commit> get_commit(std::string repo, std::string sha) override;
  boost::asio::awaitable<git_commit> create_commit(std::string repo, std::string message,
                                                   std::string tree_sha,
                                                   std::vector<std::string> parents) override;
  boost::asio::awaitable<bool> create_branch(std::string repo, std::string branch,
                                             std::string sha) override;
  boost::asio::awaitable<github_issue> set_pr_state(std::string repo, std::int64_t number,
                                                    std::string state) override;
  boost::asio::awaitable<std::optional<std::int64_t>> find_milestone(std::string repo,
                                                                     std::string title,
                                                                     bool create_missing) override;
  boost::asio::awaitable<void> set_milestone(std::string repo, std::int64_t number,
                                             std::optional<std::int64_t> milestone) override;
  boost::asio::awaitable<std::string> own_login() override;

 private:
  // Follows a list of issues from `path` through its Link header's next URLs.
  boost::asio::awaitable<void> list_issue_pages(std::string path,
                                                std::function<bool(const github_issue&)> visit);
  boost::asio::awaitable<ratelimit::api_result> call(ratelimit::api_request req,
                                                     const std::string& operation);
  ratelimit::api_caller& caller_;
  std::string sync_run_id_;
};

// The rel="next" URL of a Link header, or "" (RFC 8288; GitHub's format).
std::string next_link(std::string_view link_header);

}  // namespace ngsync::github
