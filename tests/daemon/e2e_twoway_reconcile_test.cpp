// Reconcile and transfers end to end (issue 7): a deleted link repaired and a person's marked
// issue reported, never adopted; a transferred issue followed by its webhook or by the redirect.
// The real `ngsync` against the real sandbox process and the private Postgres (twoway_bed.hpp).
#include <pqxx/pqxx>

#include <doctest/doctest.h>

#include "tests/daemon/support/twoway_bed.hpp"

using namespace ngsync::test;
using namespace ngsync::test::twoway;
namespace json = boost::json;
using namespace std::chrono_literals;

TEST_CASE(
    "reconcile: repairs a deleted link and backfills Notion, reports (never adopts) a person's "
    "issue that carries a marker; its dry run changes nothing") {
  sandbox_env_options o;
  o.scenario_file = scenario_with_hooks(0, false);
  file_guard scenario{o.scenario_file};
  sandbox_env env(o);
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto login_number =
      env.property(login_page, "GitHub Issue Number").to_number<std::int64_t>();
  // A person made an issue for the Backlog page by hand, marker included (in a public repository
  // anyone can); the login page's link row was lost.
  env.act("github", "create_issue",
          json::object{{"repo", "acme/roadmap"},
                       {"as", "ada-l"},
                       {"title", "Dark mode"},
                       {"body", "Later.\n\n<!-- Notion-Page-ID: " + backlog_page + " -->\n"}});
  std::int64_t orphan = 0;
  for (const auto& [number, issue] : env.issues()) {
    if (text(issue.at("title")) == "Dark mode") orphan = number;
  }
  REQUIRE(orphan > 0);
  auto sql = [&](const std::string& q) {
    pqxx::connection c(env.database_url());
    pqxx::work t(c);
    auto res = t.exec(q);
    t.commit();
    std::string out;
    for (const auto& row : res) {
      for (const auto& f : row) out += std::string(f.is_null() ? "NULL" : f.c_str()) + "|";
      out += "\n";
    }
    return out;
  };
  sql("DELETE FROM page_links WHERE notion_page_id = '" + login_page + "'");
  const std::string links_q =
      "SELECT notion_page_id, github_repo, issue_number, sync_status FROM page_links ORDER BY 1";
  const std::string jobs_q = "SELECT kind, page_key, state FROM jobs ORDER BY id";
  auto sandbox_state = [&] {
    auto s = env.control_get("/control/state").at("emulators");
    return json::serialize(s.at("github").at("repos")) +
           json::serialize(s.at("notion").at("pages"));
  };
  const auto links0 = sql(links_q), jobs0 = sql(jobs_q), state0 = sandbox_state();
  const auto writes0 = env.writes("github") + env.writes("notion");

  r = env.run_ngsync("reconcile --dry-run");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK_MESSAGE(r.output.find("adopted=1") != std::string::npos, r.output);
  CHECK_MESSAGE(r.output.find("foreign_marked=1") != std::string::npos, r.output);
  CHECK(sql(links_q) == links0);
  CHECK(sql(jobs_q) == jobs0);
  CHECK(sandbox_state() == state0);
  CHECK(env.writes("github") + env.writes("notion") == writes0);

  r = env.run_ngsync("reconcile");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK_MESSAGE(r.output.find("adopted=1") != std::string::npos, r.output);
  r = env.run_ngsync("sync-once");  // runs the jobs reconcile enqueued
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto links = sql(links_q);
  CHECK(links.find(login_page + "|acme/roadmap|" + std::to_string(login_number) + "|") !=
        std::string::npos);
  CHECK(links.find(backlog_page) == std::string::npos);  // a person's issue is never linked
  // Notion backfilled for the daemon's own issue; no duplicate issue for either page.
  CHECK(env.property(backlog_page, "GitHub Issue Number").is_null());
  CHECK(env.property(login_page, "GitHub Issue Number").to_number<std::int64_t>() == login_number);
  CHECK(env.issues().size() == 4);  // pre-existing, two Ready pages, the orphan
  // A second reconcile finds everything in order, and still reports the person's issue.
  r = env.run_ngsync("reconcile --dry-run");
  CHECK(r.output.find("adopted=0") != std::string::npos);
  CHECK(r.output.find("foreign_marked=1") != std::string::npos);
}

TEST_CASE(
    "two-way: a transferred issue's webhook moves the link; later work goes to the new place") {
  twoway_bed bed(true);
  const auto n = bed.wait_for_issue_of(login_page);
  bed.settle();
  auto moved = bed.env->act(
      "github", "transfer_issue",
      json::object{
          {"repo", "acme/roadmap"}, {"number", n}, {"new_repo", "acme/archive"}, {"as", "ada-l"}});
  const auto m = moved.at("result").at("number").to_number<std::int64_t>();
  auto link = [&] {
    pqxx::connection c(bed.env->database_url());
    pqxx::read_transaction t(c);
    auto row = t.exec_params1(
        "SELECT github_repo || '#' || issue_number FROM page_links WHERE notion_page_id = $1",
        login_page);
    return std::string(row[0].c_str());
  };
  // The `transferred` delivery makes a job; its GET of the old number follows GitHub's redirect.
  CHECK_MESSAGE(bed.wait_until(link, "acme/archive#" + std::to_string(m)),
                link() << "\n"
                       << bed.daemon->log());
  bed.settle();
  const auto roadmap_issues = bed.env->issues().size();
  bed.notion_edit(login_page, {{"Status", "Complete"}});
  CHECK_MESSAGE(
      bed.wait_until([&] { return text(bed.env->issues("acme/archive").at(m).at("state")); },
                     "closed"),
      bed.daemon->log());
  CHECK(bed.env->issues().size() == roadmap_issues);  // nothing new in the old repository
}

TEST_CASE("reconcile: a transferred issue's redirect is followed and the link moves with it") {
  sandbox_env_options o;
  o.scenario_file = scenario_with_hooks(0, false);
  file_guard scenario{o.scenario_file};
  sandbox_env env(o);
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto n = env.property(login_page, "GitHub Issue Number").to_number<std::int64_t>();
  auto moved = env.act(
      "github", "transfer_issue",
      json::object{
          {"repo", "acme/roadmap"}, {"number", n}, {"new_repo", "acme/archive"}, {"as", "ada-l"}});
  const auto m = moved.at("result").at("number").to_number<std::int64_t>();
  auto link = [&] {
    pqxx::connection c(env.database_url());
    pqxx::read_transaction t(c);
    auto row = t.exec_params1(
        "SELECT github_repo || '#' || issue_number FROM page_links WHERE notion_page_id = $1",
        login_page);
    return std::string(row[0].c_str());
  };
  const auto old_ref = "acme/roadmap#" + std::to_string(n);
  CHECK(link() == old_ref);

  r = env.run_ngsync("reconcile --dry-run");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.find("transferred=1") != std::string::npos);
  CHECK(link() == old_ref);  // the dry run moved nothing

  r = env.run_ngsync("reconcile");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.find("transferred=1") != std::string::npos);
  CHECK(link() == "acme/archive#" + std::to_string(m));

  // Later work addresses the issue where it lives now: closing the page closes it there, and no
  // new issue appears in the old repository.
  const auto roadmap_issues = env.issues().size();
  env.act(
      "notion", "edit_page",
      json::object{{"page_id", login_page}, {"properties", json::object{{"Status", "Complete"}}}});
  r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(text(env.issues("acme/archive").at(m).at("state")) == "closed");
  CHECK(env.issues().size() == roadmap_issues);
  r = env.run_ngsync("reconcile --dry-run");
  CHECK(r.output.find("transferred=0") != std::string::npos);
}
