// End to end: a lost database (an empty one after a restore gone wrong or a move) never
// duplicates an issue. Each page carries its issue's number, each issue the page's marker and
// the daemon as its author: the next sync re-links them, and creates nothing.
#include <map>
#include <string>

#include <pqxx/pqxx>

#include <doctest/doctest.h>

#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready
const std::string backlog_page = "a1000000-0000-4000-8000-000000000002";  // Backlog

void sync_once_ok(const sandbox_env& env) {
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
}

// Markers per page id, over every issue of the repository.
std::map<std::string, int> markers_per_page(const sandbox_env& env) {
  std::map<std::string, int> out;
  const std::string tag = "Notion-Page-ID: ";
  for (const auto& [number, issue] : env.issues()) {
    const auto* body = issue.if_contains("body");
    if (!body || !body->is_string()) continue;
    const std::string text(body->as_string().c_str());
    const auto at = text.find(tag);
    if (at != std::string::npos) ++out[text.substr(at + tag.size(), 36)];
  }
  return out;
}

void lose_database(const sandbox_env& env) {
  pqxx::connection c(env.database_url());
  pqxx::nontransaction t(c);
  t.exec("DROP SCHEMA public CASCADE");
  t.exec("CREATE SCHEMA public");
}

int count(const sandbox_env& env, const std::string& sql) {
  pqxx::connection c(env.database_url());
  pqxx::read_transaction t(c);
  return t.exec1(sql)[0].as<int>();
}

std::int64_t calls(const sandbox_env& env, const std::string& api, const std::string& key) {
  const auto c = env.call_counts(api);
  const auto it = c.find(key);
  return it == c.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("a lost database: 500 pages re-linked by the numbers they carry, nothing created") {
  sandbox_env env({.scenario_file = "five_hundred.json",
                   .sync_extra = "  reconcile_interval: 0s\n",  // count correlation alone
                   .body = false});
  sync_once_ok(env);
  REQUIRE(env.issues().size() == 500);
  const auto creates = calls(env, "github", "POST /repos/{o}/{r}/issues");
  REQUIRE(creates == 500);

  lose_database(env);
  const auto gets = calls(env, "github", "GET /repos/{o}/{r}/issues/{n}");
  const auto lists = calls(env, "github", "GET /repos/{o}/{r}/issues");
  const auto patches = calls(env, "github", "PATCH /repos/{o}/{r}/issues/{n}");
  const auto notion_writes = env.writes("notion");
  const auto relinked = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(relinked.exit_code == 0, relinked.output);
  CHECK_MESSAGE(relinked.output.find("issues created=0 adopted=500") != std::string::npos,
                relinked.output);

  CHECK(calls(env, "github", "POST /repos/{o}/{r}/issues") == creates);  // 0 creates
  const auto per_page = markers_per_page(env);
  CHECK(per_page.size() == 500);
  int duplicated = 0;
  for (const auto& [page, n] : per_page) duplicated += n > 1 ? 1 : 0;
  CHECK(duplicated == 0);
  CHECK(count(env, "SELECT count(*) FROM page_links WHERE issue_number IS NOT NULL") == 500);
  // At most one read per page, plus the list scans.
  const auto new_gets = calls(env, "github", "GET /repos/{o}/{r}/issues/{n}") - gets;
  const auto new_lists = calls(env, "github", "GET /repos/{o}/{r}/issues") - lists;
  MESSAGE("after the loss: GET issue " << new_gets << ", list " << new_lists << ", PATCH "
                                       << calls(env, "github", "PATCH /repos/{o}/{r}/issues/{n}") -
                                              patches
                                       << ", Notion writes " << env.writes("notion") - notion_writes);
  CHECK(new_gets <= 500);

  // Settled: the next pass changes nothing on GitHub.
  const auto writes = env.writes("github");
  sync_once_ok(env);
  CHECK(env.writes("github") == writes);
}

TEST_CASE("a page naming an issue that is not its own is an Error on the page, nothing created") {
  sandbox_env env;
  // Issue #1 exists (a person's, no marker). A copy of the login page's marker by ada-l next.
  auto copy = env.act("github", "create_issue",
                      {{"repo", "acme/roadmap"},
                       {"title", "Fix login redirect"},
                       {"body", "copied\n\n<!-- Notion-Page-ID: " + login_page + " -->"},
                       {"as", "ada-l"}});
  const auto copied = copy.at("result").at("number").to_number<std::int64_t>();
  env.act("notion", "edit_page",
          {{"page_id", backlog_page}, {"properties", {{"GitHub Issue Number", 1}}}});
  env.act("notion", "edit_page",
          {{"page_id", login_page}, {"properties", {{"GitHub Issue Number", copied}}}});
  const auto issues_before = env.issues().size();
  auto r = env.run_ngsync("sync-once");
  (void)r;  // pages in error may fail the pass; what they show is what matters

  CHECK(env.property(backlog_page, "GitHub Sync Status") == json::value("Error"));
  const std::string no_marker = env.property(backlog_page, "GitHub Sync Error").as_string().c_str();
  CHECK(no_marker.find("acme/roadmap#1") != std::string::npos);
  CHECK(no_marker.find("no page marker") != std::string::npos);

  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Error"));
  const std::string foreign = env.property(login_page, "GitHub Sync Error").as_string().c_str();
  CHECK(foreign.find("@ada-l opened") != std::string::npos);

  // The login page is Ready for Dev, yet nothing was created for it; the runbook page was.
  CHECK(env.issues().size() == issues_before + 1);
  CHECK(markers_per_page(env)[login_page] == 1);  // only the copy

  // A second pass writes nothing to Notion for them again.
  const auto notion_writes = env.writes("notion");
  env.run_ngsync("sync-once");
  CHECK(env.writes("notion") == notion_writes);

  // Corrected by a person (the number cleared): the login page gets its own issue at last.
  env.act("notion", "edit_page",
          {{"page_id", login_page}, {"properties", {{"GitHub Issue Number", nullptr}}}});
  env.run_ngsync("sync-once");
  CHECK(env.property(login_page, "GitHub Sync Status") == json::value("Success"));
  CHECK(markers_per_page(env)[login_page] == 2);  // the copy and its own
  CHECK(env.issues().size() == issues_before + 2);
}

TEST_CASE("a lost database after lost write-backs: the recovery scan links, nothing created") {
  // About one write-back in ten fails after its create: those pages never learn their number.
  // The sync records the number on the link (see e2e_sync_test), but then the database is lost
  // too. Only the issue's marker is left: the scan before the first create finds it.
  sandbox_env env({.scenario_file = "five_hundred.json",
                   .sync_extra = "  reconcile_interval: 0s\n",  // count correlation alone
                   .body = false});
  env.control_post("/control/faults",
                   json::object{{"rules", json::array{json::object{{"api", "notion"},
                                                                   {"method", "PATCH"},
                                                                   {"path_prefix", "/v1/pages/"},
                                                                   {"error_rate", 0.1},
                                                                   {"error_status", 400}}}}});
  env.run_ngsync("sync-once");  // the refused write-backs fail the pass
  REQUIRE(env.issues().size() == 500);
  int without_number = 0;
  {
    auto s = env.control_get("/control/state");
    for (const auto& p : s.at("emulators").at("notion").at("pages").as_array()) {
      const auto& v = p.at("properties").at("GitHub Issue Number").as_object();
      if (v.at("number").is_null()) ++without_number;
    }
  }
  MESSAGE("pages without a number after the first pass: " << without_number);
  CHECK(without_number > 20);

  lose_database(env);
  env.control_post("/control/faults", json::object{{"rules", json::array{}}});
  const auto creates = calls(env, "github", "POST /repos/{o}/{r}/issues");
  const auto gets = calls(env, "github", "GET /repos/{o}/{r}/issues/{n}");
  const auto lists = calls(env, "github", "GET /repos/{o}/{r}/issues");
  const auto notion_writes = env.writes("notion");
  sync_once_ok(env);
  MESSAGE("Notion writes after the loss: " << env.writes("notion") - notion_writes);

  CHECK(calls(env, "github", "POST /repos/{o}/{r}/issues") == creates);  // 0 creates
  const auto per_page = markers_per_page(env);
  CHECK(per_page.size() == 500);
  int duplicated = 0;
  for (const auto& [page, n] : per_page) duplicated += n > 1 ? 1 : 0;
  CHECK(duplicated == 0);
  CHECK(count(env, "SELECT count(*) FROM page_links WHERE issue_number IS NOT NULL") == 500);
  CHECK(count(env, "SELECT count(*) FROM repo_recovery_scans") == 1);
  const auto new_lists = calls(env, "github", "GET /repos/{o}/{r}/issues") - lists;
  const auto new_gets = calls(env, "github", "GET /repos/{o}/{r}/issues/{n}") - gets;
  MESSAGE("after the loss: list calls " << new_lists << ", GET issue " << new_gets);
  CHECK(new_lists == 5);  // 500 issues, 100 per call, once
  CHECK(new_gets <= 500);
  // Every page written back: number and Success.
  int shown = 0;
  auto s = env.control_get("/control/state");
  for (const auto& p : s.at("emulators").at("notion").at("pages").as_array()) {
    const auto& props = p.at("properties").as_object();
    if (!props.at("GitHub Issue Number").at("number").is_null()) ++shown;
  }
  CHECK(shown == 500);
}
