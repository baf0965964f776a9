#include "core/github/draft_pr.hpp"

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"

namespace ngsync::github {
namespace net = boost::asio;

std::string draft_pr_branch(const std::string& page_id) {
  return "ngsync/" + notion::compact_id(page_id);
}

namespace {
[[noreturn]] void throw_missing_base(const std::string& repo, const std::string& base) {
  api::api_failure f;
  f.kind = api::failure_kind::permanent;
  f.api = "github";
  f.operation = "create draft pull request";
  f.status = 404;
  f.message = "the base branch '" + base + "' does not exist in " + repo +
              " (set github.draft_pr_base in the mapping)";
  throw api::api_exception(std::move(f));
}
}  // namespace

net::awaitable<std::string> ensure_draft_pr_branch(github_port& github_api, std::string repo,
                                                   std::string page_id, std::string base_branch) {
  const auto branch = draft_pr_branch(page_id);
  auto base_sha = co_await github_api.branch_head(repo, base_branch);
  if (!base_sha) throw_missing_base(repo, base_branch);
  const auto base_commit = co_await github_api.get_commit(repo, *base_sha);
  std::string message = "Draft pull request for Notion page " + notion::compact_id(page_id);
  std::vector<std::string> parents;
  parents.push_back(*base_sha);
  const auto commit = co_await github_api.create_commit(repo, std::move(message),
                                                        base_commit.tree_sha, std::move(parents));
  const bool created = co_await github_api.create_branch(repo, branch, commit.sha);
  if (!created)
    log::get("sync")->info("page={} branch {} already exists in {}: reused", page_id, branch, repo);
  co_return branch;
}

net::awaitable<github_issue> open_draft_pr(github_port& github_api, draft_pr pr,
                                           std::string head_branch, std::string base_branch) {
  auto made =
      co_await github_api.create_draft_pr(pr.repo, pr.title, pr.body, head_branch, base_branch);
  if (pr.labels.empty() && pr.assignees.empty()) co_return made;
  issue_update extras;
  extras.labels = pr.labels;
  extras.assignees = pr.assignees;
  const auto updated = co_await github_api.update_issue(pr.repo, made.number, std::move(extras));
  made.labels = updated.labels;
  made.assignees = updated.assignees;
  made.updated_at = updated.updated_at;
  co_return made;
}

}  // namespace ngsync::github
