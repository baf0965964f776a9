#pragma once
// The GitHub REST calls the sync makes, as a port: github_client carries them out through the
// rate-limited caller; the engine's tests give an in-memory GitHub
// (tests/engine/fake_github.hpp). Answers come back parsed; failures throw api::api_exception,
// classified as the real client classifies them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/github/issue_model.hpp"

namespace ngsync::github {

struct new_issue {
  std::string title;
  std::string body;
  std::vector<std::string> labels;
  std::vector<std::string> assignees;
};

// Only the fields set are sent: an update touches nothing else on the issue.
struct issue_update {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::vector<std::string>> assignees;
  std::optional<std::string> state;         // open | closed
  std::optional<std::string> state_reason;  // completed | not_planned | reopened

  bool empty() const { return !title && !body && !labels && !assignees && !state && !state_reason; }
  boost::json::object to_json() const;
};

// A commit of the Git database, as far as opening a branch needs it.
struct git_commit {
  std::string sha;
  std::string tree_sha;
  std::vector<std::string> parents;
};

struct comment {
  std::int64_t id = 0;
  std::string body;
  std::string user_login;
};

class github_port {
 public:
  github_port() = default;
  virtual ~github_port() = default;
  // An interface: used through references, never copied or moved.
  github_port(const github_port&) = delete;
  github_port& operator=(const github_port&) = delete;
  github_port(github_port&&) = delete;
  github_port& operator=(github_port&&) = delete;

  virtual boost::asio::awaitable<github_issue> create_issue(std::string repo, new_issue issue) = 0;
  virtual boost::asio::awaitable<github_issue> get_issue(std::string repo, std::int64_t number) = 0;
  virtual boost::asio::awaitable<github_issue> update_issue(std::string repo, std::int64_t number,
                                                            issue_update update) = 0;
  // Every issue (and PR) updated since `since_iso` (nullopt: every issue), oldest first,
  // following the Link header's next URLs exactly as given (they may point at
  // /repositories/{id}/...). `visit` returns false to stop early (e.g. once the marker is found).
  virtual boost::asio::awaitable<void> list_issues_since(
      std::string repo, std::optional<std::string> since_iso,
      std::function<bool(const github_issue&)> visit) = 0;
  // Every issue (and PR) `creator` opened in the repository, open or closed, 100 per call (the
  // recovery scan of a lost database: issues the daemon opened carry their page's marker).
  virtual boost::asio::awaitable<void> list_issues_by_creator(
      std::string repo, std::string creator, std::function<bool(const github_issue&)> visit) = 0;
  virtual boost::asio::awaitable<std::vector<comment>> list_comments(std::string repo,
                                                                     std::int64_t number) = 0;
  virtual boost::asio::awaitable<comment> create_comment(std::string repo, std::int64_t number,
                                                         std::string body) = 0;
  virtual boost::asio::awaitable<comment> update_comment(std::string repo, std::int64_t comment_id,
                                                         std::string body) = 0;
  virtual boost::asio::awaitable<github_issue> create_draft_pr(std::string repo, std::string title,
                                                               std::string body, std::string head,
                                                               std::string base) = 0;
  // The Git data calls that give a draft pull request its head branch (core/github/git_data.cpp).
  // The commit a branch points at; nullopt when the branch does not exist (404).
  virtual boost::asio::awaitable<std::optional<std::string>> branch_head(std::string repo,
                                                                         std::string branch) = 0;
  virtual boost::asio::awaitable<git_commit> get_commit(std::string repo, std::string sha) = 0;
  virtual boost::asio::awaitable<git_commit> create_commit(std::string repo, std::string message,
                                                           std::string tree_sha,
                                                           std::vector<std::string> parents) = 0;
  // Creates refs/heads/{branch} at `sha`; false when the branch already exists (GitHub's 422
  // "Reference already exists"), which a retry of the same step meets.
  virtual boost::asio::awaitable<bool> create_branch(std::string repo, std::string branch,
                                                     std::string sha) = 0;
  virtual boost::asio::awaitable<github_issue> set_pr_state(std::string repo, std::int64_t number,
                                                            std::string state) = 0;
  // The number of the repository's milestone titled `title` (open or closed, compared without
  // case), created when `create_missing`; nullopt when there is none (milestones.hpp).
  virtual boost::asio::awaitable<std::optional<std::int64_t>> find_milestone(
      std::string repo, std::string title, bool create_missing) = 0;
  // Sets (a milestone number) or clears (nullopt) the issue's milestone.
  virtual boost::asio::awaitable<void> set_milestone(std::string repo, std::int64_t number,
                                                     std::optional<std::int64_t> milestone) = 0;
  // The login GitHub answers for this credential (token user, or the App bot); for echo
  // suppression of webhooks.
  virtual boost::asio::awaitable<std::string> own_login() = 0;
};

}  // namespace ngsync::github
