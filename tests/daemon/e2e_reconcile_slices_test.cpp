// Periodic reconciliation in slices (issue 19): each pass reads only the links due soonest, so
// every link is verified once per `sync.reconcile_window` at a fixed cost per pass, and a change
// nothing else reports (a deleted issue, its webhook lost) is still found within the window.
#include <map>
#include <set>

#include <pqxx/pqxx>

#include <doctest/doctest.h>

#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

namespace {

const std::string roadmap_source = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";

// page id -> when a reconcile pass last verified its link ("" never), for links with an issue.
std::map<std::string, std::string> verified_times(const sandbox_env& env) {
  pqxx::connection c(env.database_url());
  pqxx::read_transaction t(c);
  std::map<std::string, std::string> out;
  for (const auto& row : t.exec("SELECT notion_page_id, coalesce(verified_at::text, '')"
                                " FROM page_links WHERE issue_number IS NOT NULL")) {
    out[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  return out;
}

std::pair<std::int64_t, std::string> issue_and_status(const sandbox_env& env,
                                                      const std::string& page_id) {
  pqxx::connection c(env.database_url());
  pqxx::read_transaction t(c);
  auto row = t.exec_params1(
      "SELECT issue_number, sync_status || ':' || coalesce(last_error, '') FROM page_links"
      " WHERE notion_page_id = $1",
      page_id);
  return {row[0].as<std::int64_t>(), row[1].as<std::string>()};
}

std::int64_t count_of(const std::map<std::string, std::int64_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("periodic reconcile: a third of the links per pass, each verified once per window") {
  sandbox_env_options o;
  // Three passes fit in the window: each verifies ceil(6 / 3) = 2 links.
  o.sync_extra = "  reconcile_interval: 1h\n  reconcile_window: 3h\n";
  sandbox_env env(o);
  for (int i = 1; i <= 4; ++i) {  // with the two Ready pages of the scenario: six links
    env.act("notion", "create_page",
            {{"id", "c4000000-0000-4000-8000-00000000000" + std::to_string(i)},
             {"data_source_id", roadmap_source},
             {"properties", json::object{{"Name", "Slice page " + std::to_string(i)},
                                         {"Status", "Ready for Dev"}}}});
  }
  auto first = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(first.exit_code == 0, first.output);
  auto before = verified_times(env);
  REQUIRE(before.size() == 6);
  int verified = 0;
  for (const auto& [page, at] : before) verified += at.empty() ? 0 : 1;
  CHECK(verified == 2);  // the first sync-once ends with one slice

  std::map<std::string, int> times_verified;
  for (int pass = 1; pass <= 3; ++pass) {
    CAPTURE(pass);
    const auto github = env.call_counts("github");
    const auto notion = env.call_counts("notion");
    auto r = env.run_ngsync("sync-once");
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    // The pass costs its slice: one issue read and one page read per link, no more.
    CHECK(count_of(env.call_counts("github"), "GET /repos/{o}/{r}/issues/{n}") -
              count_of(github, "GET /repos/{o}/{r}/issues/{n}") ==
          2);
    CHECK(count_of(env.call_counts("notion"), "GET /v1/pages/{id}") -
              count_of(notion, "GET /v1/pages/{id}") ==
          2);
    auto after = verified_times(env);
    int changed = 0;
    for (const auto& [page, at] : after) {
      if (at != before[page]) {
        ++changed;
        ++times_verified[page];
      }
    }
    CHECK(changed == 2);
    before = after;
  }
  CHECK(times_verified.size() == 6);  // three passes, every link once
  for (const auto& [page, n] : times_verified) CHECK_MESSAGE(n == 1, page);
}

TEST_CASE(
    "periodic reconcile finds a lost GitHub edit next pass, and a deleted issue within the "
    "window") {
  sandbox_env_options o;
  o.sync_extra = "  reconcile_interval: 1h\n  reconcile_window: 3h\n";
  sandbox_env env(o);
  const std::string login_page = "a1000000-0000-4000-8000-000000000001";
  const std::string runbook_page = "a1000000-0000-4000-8000-000000000003";
  auto first = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(first.exit_code == 0, first.output);
  const auto [login_issue, login_status] = issue_and_status(env, login_page);
  const auto [runbook_issue, runbook_status] = issue_and_status(env, runbook_page);
  const std::string title = env.issues().at(login_issue).at("title").as_string().c_str();

  // No webhook is configured: both changes are exactly what a down daemon never hears about.
  env.act("github", "edit_issue",
          {{"repo", "acme/roadmap"},
           {"number", login_issue},
           {"title", "Renamed on GitHub"},
           {"as", "ada-l"}});
  auto next = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(next.exit_code == 0, next.output);
  // The marker scan lists what changed since the previous pass: the title is Notion's, restored.
  CHECK(env.issues().at(login_issue).at("title").as_string() == title);

  // A deleted issue drops out of every list: only the slice's read of the link finds it.
  env.act("github", "delete_issue",
          {{"repo", "acme/roadmap"}, {"number", runbook_issue}, {"as", "ada-l"}});
  int passes = 0;
  std::string status;
  while (passes < 3) {  // three passes make the window
    ++passes;
    env.run_ngsync("sync-once");  // exits non-zero once the link is in error
    status = issue_and_status(env, runbook_page).second;
    if (status.starts_with("error")) break;
  }
  CHECK_MESSAGE(status.find("was deleted on GitHub") != std::string::npos, status);  // a 410
}
