// End to end, draft-PR mode (`github.kind: draft_pr`), for what needs a process: crashes between
// the steps and check-config. The rules themselves run in-process in
// tests/daemon/engine/draft_pr_engine_test.cpp. The real ngsync against the sandbox, whose
// POST /pulls is as strict as GitHub's (a head branch must exist and hold a commit its base
// lacks). Each Ready page gets its branch `ngsync/<page id>` one empty commit ahead of main, a
// draft PR from it, and the PR's labels and assignees; the PR then follows the page like an issue.
#include <regex>

#include <doctest/doctest.h>

#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready, bug, Ada
const std::string runbook_page = "a1000000-0000-4000-8000-000000000003";  // Ready, 2 tags

// The shared test bed with the mapping switched to draft pull requests.
void use_draft_prs(const sandbox_env& env) {
  auto config = read_file(env.config_path());
  const std::string plain = "github: {repository: acme/roadmap}";
  const auto at = config.find(plain);
  REQUIRE(at != std::string::npos);
  config.replace(at, plain.size(), "github: {repository: acme/roadmap, kind: draft_pr}");
  std::ofstream(env.config_path()) << config;
}

void sync_once_ok(const sandbox_env& env) {
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
}

json::object repo_state(const sandbox_env& env) {
  auto s = env.control_get("/control/state");
  for (const auto& r : s.at("emulators").at("github").at("repos").as_array())
    if (r.at("full_name").as_string() == "acme/roadmap") return r.as_object();
  FAIL("no repository");
  return {};
}

std::string compact(std::string id) {
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  return id;
}

std::vector<std::string> names(const json::value& list, const char* key) {
  std::vector<std::string> out;
  for (const auto& x : list.as_array()) out.emplace_back(x.at(key).as_string().c_str());
  std::sort(out.begin(), out.end());
  return out;
}

// The page's pull request (from /pulls' shape), by its head branch.
std::optional<json::object> pull_of(const json::object& repo, const std::string& page_id) {
  for (const auto& p : repo.at("pulls").as_array())
    if (p.at("head").at("ref").as_string() == "ngsync/" + compact(page_id)) return p.as_object();
  return std::nullopt;
}

int pulls_with_marker(const json::object& repo, const std::string& page_id) {
  int n = 0;
  for (const auto& p : repo.at("pulls").as_array())
    if (p.at("body").is_string() &&
        std::string(p.at("body").as_string()).find("Notion-Page-ID: " + page_id) !=
            std::string::npos)
      ++n;
  return n;
}

std::optional<json::object> branch(const json::object& repo, const std::string& name) {
  for (const auto& b : repo.at("branches").as_array())
    if (b.at("name").as_string() == name) return b.as_object();
  return std::nullopt;
}

}  // namespace

TEST_CASE("draft PRs: a crash after the PR's create still gives one PR with its labels") {
  sandbox_env env;
  use_draft_prs(env);
  auto crashed = env.run_ngsync("sync-once", "NGSYNC_CRASH_POINT=after_issue_create");
  CHECK(crashed.exit_code == 137);
  sync_once_ok(env);
  const auto repo = repo_state(env);
  CHECK(pulls_with_marker(repo, login_page) == 1);
  CHECK(pulls_with_marker(repo, runbook_page) == 1);
  CHECK(repo.at("pulls").as_array().size() == 2);
  const auto pr = pull_of(repo, login_page);
  REQUIRE(pr);
  CHECK(names(pr->at("labels"), "name") == std::vector<std::string>{"bug"});
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));
  CHECK(env.property(runbook_page, "GitHub Sync Status") == json::value("Success"));
}

TEST_CASE("check-config warns that draft PRs need Contents: write, and only then") {
  sandbox_env env;
  auto plain = env.run_ngsync("check-config");
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.output);
  CHECK(plain.output.find("Contents") == std::string::npos);
  use_draft_prs(env);
  auto draft = env.run_ngsync("check-config");
  REQUIRE_MESSAGE(draft.exit_code == 0, draft.output);
  CHECK(draft.output.find("warning  mapping roadmap opens draft pull requests (base 'main')") !=
        std::string::npos);
  CHECK(draft.output.find("Contents: Read and write") != std::string::npos);
}

TEST_CASE("draft PRs: a crash after the branch, before the PR, reuses the branch") {
  sandbox_env env;
  use_draft_prs(env);
  auto crashed = env.run_ngsync("sync-once", "NGSYNC_CRASH_POINT=after_draft_pr_branch");
  CHECK(crashed.exit_code == 137);
  auto repo = repo_state(env);
  CHECK(repo.at("pulls").as_array().empty());
  const auto made = env.call_counts("github")["POST /repos/{o}/{r}/git/refs"];
  CHECK(made >= 1);  // at least one branch exists without its PR
  sync_once_ok(env);
  repo = repo_state(env);
  CHECK(repo.at("pulls").as_array().size() == 2);
  for (const auto& page : {login_page, runbook_page}) {
    CAPTURE(page);
    CHECK(pulls_with_marker(repo, page) == 1);
    const auto pr = pull_of(repo, page);
    REQUIRE(pr);
    const auto head = branch(repo, "ngsync/" + compact(page));
    REQUIRE(head);
    CHECK(head->at("sha") == pr->at("head").at("sha"));
    CHECK(env.property(page, "GitHub Sync Status") == json::value("Success"));
  }
  // The retry met "Reference already exists" for every branch made before the crash.
  const auto calls = env.call_counts("github");
  CHECK(calls.at("POST /repos/{o}/{r}/git/refs") == made + 2);
  CHECK(calls.at("POST /repos/{o}/{r}/pulls") == 2);
}
