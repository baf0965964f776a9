#include "daemon/engine/draft_pr_open.hpp"

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"
#include "core/sync/issue_body.hpp"
#include "daemon/engine/crash_points.hpp"

namespace ngsync::engine {
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

// The head branch exists and holds a commit the base lacks. Costs four calls the first time
// (read base, read its commit, create commit, create ref); a retry that meets the branch reuses
// it, whatever it points at (a person may have pushed work to it).
net::awaitable<void> ensure_head_branch(github::github_port& github_api, std::string repo,
                                        std::string branch, std::string page_id,
                                        std::string base) {
  auto base_sha = co_await github_api.branch_head(repo, base);
  if (!base_sha) throw_missing_base(repo, base);
  const auto base_commit = co_await github_api.get_commit(repo, *base_sha);
  std::string message = "Draft pull request for Notion page " + notion::compact_id(page_id);
  std::vector<std::string> parents;
  parents.push_back(*base_sha);
  const auto commit = co_await github_api.create_commit(repo, std::move(message),
                                                        base_commit.tree_sha, std::move(parents));
  const bool created = co_await github_api.create_branch(repo, branch, commit.sha);
  if (!created)
    log::get("sync")->info("page={} branch {} already exists in {}: reused", page_id, branch, repo);
}
}  // namespace

net::awaitable<github::github_issue> open_draft_pr(github::github_port& github_api,
                                                   std::string page_id,
                                                   sync::create_issue_action create,
                                                   std::string base_branch) {
  const auto branch = draft_pr_branch(page_id);
  co_await ensure_head_branch(github_api, create.repo, branch, page_id, base_branch);
  crash_point(crash_after_draft_pr_branch);
  auto made = co_await github_api.create_draft_pr(create.repo, create.title, create.body, branch,
                                                  base_branch);
  if (create.labels.empty() && create.assignees.empty()) co_return made;
  github::issue_update extras;
  extras.labels = create.labels;
  extras.assignees = create.assignees;
  const auto updated = co_await github_api.update_issue(create.repo, made.number, std::move(extras));
  made.labels = updated.labels;
  made.assignees = updated.assignees;
  made.updated_at = updated.updated_at;
  co_return made;
}

}  // namespace ngsync::engine
