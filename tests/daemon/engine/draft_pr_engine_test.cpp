// Draft-PR mode in-process (support/engine_harness.hpp): the sandbox's POST /pulls is as strict as
// GitHub's (a head branch must exist and hold a commit its base lacks). Each Ready page gets its
// branch `ngsync/<page id>` one empty commit ahead of main, a draft PR from it, and the PR's
// labels and assignees through the issues endpoint; the PR then follows the page like an issue.
// Crash points stay end to end (tests/daemon/e2e_draft_pr_test.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;
using ngsync::test::engine_harness_options;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";  // Ready, bug, Ada

engine_harness_options draft_prs(const std::string& extra = "") {
  engine_harness_options o;
  o.github_mapping = "{repository: acme/roadmap, kind: draft_pr" + extra + "}";
  return o;
}

std::string compact(std::string id) {
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  return id;
}

std::vector<std::string> names(const json::value& list, const char* key) {
  std::vector<std::string> out;
  for (const auto& x : list.as_array()) out.emplace_back(x.at(key).as_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<json::object> pull_of(const json::object& repo, const std::string& page_id) {
  for (const auto& p : repo.at("pulls").as_array()) {
    if (p.at("head").at("ref").as_string() == "ngsync/" + compact(page_id)) return p.as_object();
  }
  return std::nullopt;
}

std::optional<json::object> branch(const json::object& repo, const std::string& name) {
  for (const auto& b : repo.at("branches").as_array()) {
    if (b.at("name").as_string() == name) return b.as_object();
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("engine: draft PR: a branch one commit ahead, the draft, labels and people; it follows") {
  engine_harness h(draft_prs());
  h.sync(login_page);
  auto repo = h.repo_state();
  const auto main = branch(repo, "main");
  REQUIRE(main);
  auto pr = pull_of(repo, login_page);
  REQUIRE(pr);
  CHECK(pr->at("draft").as_bool());
  CHECK(pr->at("base").at("ref").as_string() == "main");
  const auto head = branch(repo, "ngsync/" + compact(login_page));
  REQUIRE(head);
  CHECK(head->at("sha") == pr->at("head").at("sha"));
  REQUIRE(head->at("parents").as_array().size() == 1);
  CHECK(head->at("parents").as_array()[0] == main->at("sha"));
  CHECK(names(pr->at("labels"), "name") == std::vector<std::string>{"bug"});
  CHECK(names(pr->at("assignees"), "login") == std::vector<std::string>{"ada-l"});
  CHECK(h.property(login_page, "GitHub Issue URL") == pr->at("html_url"));
  CHECK(h.property(login_page, "GitHub Sync Status") == json::value("Success"));
  // The Git data calls, the PR, and one PATCH for its labels and assignees.
  CHECK(h.sent("POST /repos/acme/roadmap/git/commits") == 1);
  CHECK(h.sent("POST /repos/acme/roadmap/git/refs") == 1);
  CHECK(h.sent("POST /repos/acme/roadmap/pulls") == 1);
  CHECK(h.sent("PATCH /repos/acme/roadmap/issues/") == 1);
  // Synced again: nothing changes on GitHub.
  const auto writes = h.sent("POST /repos") + h.sent("PATCH /repos");
  h.sync(login_page);
  CHECK(h.sent("POST /repos") + h.sent("PATCH /repos") == writes);

  h.act("notion", "edit_page",
        {{"page_id", login_page},
         {"properties", json::object{{"Status", "Complete"}, {"Name", "Fix the login loop"}}}});
  h.sync(login_page);
  pr = pull_of(h.repo_state(), login_page);
  CHECK(pr->at("state").as_string() == "closed");
  CHECK(pr->at("title").as_string() == "Fix the login loop");
  h.act("notion", "edit_page",
        {{"page_id", login_page},
         {"properties",
          json::object{{"Status", "In Progress"}, {"Tags", json::array{"bug", "docs"}}}}});
  h.sync(login_page);
  repo = h.repo_state();
  pr = pull_of(repo, login_page);
  CHECK(pr->at("state").as_string() == "open");
  CHECK(names(pr->at("labels"), "name") == std::vector<std::string>{"bug", "docs"});
  CHECK(repo.at("pulls").as_array().size() == 1);
}

TEST_CASE("engine: draft PR: a missing base branch is an Error on the page, and no PR") {
  engine_harness h(draft_prs(", draft_pr_base: nope"));
  // A permanent failure: the job runner gives up at once and the page shows it.
  try {
    h.sync(login_page);
    FAIL("the sync succeeded without a base branch");
  } catch (const ngsync::api::api_exception& e) {
    CHECK(e.failure().kind == ngsync::api::failure_kind::permanent);
    h.report_failure(login_page, e.what(), true);
  }
  CHECK(h.property(login_page, "GitHub Sync Status") == json::value("Error"));
  const auto error = h.property(login_page, "GitHub Sync Error");
  CHECK(std::string(error.as_string()).find("base branch 'nope'") != std::string::npos);
  CHECK(h.repo_state().at("pulls").as_array().empty());
}
