// What GitHub's side brings to the engine, in-process (support/engine_harness.hpp): issue events
// mirrored into the page, and reconcile's findings (drift, a copied marker) carried out. These were
// end-to-end cases; the rules they check need no process.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready, bug, Ada
const std::string backlog_page = "a1000000-0000-4000-8000-000000000002";  // Backlog
const std::string runbook_page = "a1000000-0000-4000-8000-000000000003";  // Ready, 2 tags

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::int64_t number_of(const engine_harness& h, const std::string& page_id) {
  auto v = h.property(page_id, "GitHub Issue Number");
  REQUIRE_MESSAGE(v.is_number(), "the page shows no issue number");
  return v.to_number<std::int64_t>();
}

std::vector<std::string> names(const json::value& list, const char* key) {
  std::vector<std::string> out;
  for (const auto& x : list.as_array()) out.emplace_back(x.at(key).as_string());
  std::sort(out.begin(), out.end());
  return out;
}

void github_act(engine_harness& h, const std::string& action, json::object args) {
  args["repo"] = "acme/roadmap";
  if (!args.contains("as")) args["as"] = "ada-l";
  h.act("github", action, std::move(args));
}

}  // namespace

TEST_CASE("engine: a person's close on GitHub sets the page's status; a reopen, the reopen one") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  github_act(h, "close_issue", {{"number", n}, {"reason", "not_planned"}});
  h.github_event(n, "closed");
  CHECK(str(h.property(login_page, "Status")) == "Won't do");
  github_act(h, "reopen_issue", {{"number", n}});
  h.github_event(n, "reopened");
  CHECK(str(h.property(login_page, "Status")) == "In Progress");
  github_act(h, "close_issue", {{"number", n}, {"reason", "completed"}});
  h.github_event(n, "closed");
  CHECK(str(h.property(login_page, "Status")) == "Complete");
  // The page's own sync afterwards agrees with GitHub: nothing is written back to the issue.
  const auto issue_writes = h.sent("PATCH /repos");
  h.sync(login_page);
  CHECK(h.sent("PATCH /repos") == issue_writes);
  CHECK(str(h.issues().at(n).at("state")) == "closed");
}

TEST_CASE("engine: an event that GitHub already agrees with the page on writes nothing") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  const auto page_writes = h.sent("PATCH /v1/pages");
  h.github_event(n, "edited");
  CHECK(h.sent("PATCH /v1/pages") == page_writes);
  CHECK(str(h.property(login_page, "Status")) == "Ready for Dev");
}

TEST_CASE("engine: edits reach the issue; a person's text outside ngsync's section survives") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  auto body = str(h.issues().at(n).at("body"));
  github_act(h, "edit_issue", {{"number", n}, {"body", "Triage note by a human.\n\n" + body}});
  h.act("notion", "edit_page",
        {{"page_id", login_page},
         {"properties", json::object{{"Name", "Fix the login redirect loop"},
                                     {"Tags", json::array{"bug", "docs"}}}}});
  h.act("notion", "set_content", {{"page_id", login_page}, {"markdown", "New steps.\n"}});
  h.sync(login_page);
  auto issue = h.issues().at(n);
  CHECK(str(issue.at("title")) == "Fix the login redirect loop");
  CHECK(names(issue.at("labels"), "name") == std::vector<std::string>{"bug", "docs"});
  body = str(issue.at("body"));
  CHECK(body.find("Triage note by a human.") == 0);
  CHECK(body.find("New steps.") != std::string::npos);
  CHECK(body.find("The login page loops.") == std::string::npos);
  h.act("notion", "edit_page",
        {{"page_id", login_page}, {"properties", json::object{{"Status", "Won't do"}}}});
  h.sync(login_page);
  issue = h.issues().at(n);
  CHECK(str(issue.at("state")) == "closed");
  CHECK(str(issue.at("state_reason")) == "not_planned");
}

TEST_CASE(
    "engine: reconcile catches GitHub changes whose events were lost: close, labels, people") {
  engine_harness h;
  h.sync(login_page);
  h.sync(runbook_page);
  const auto n = number_of(h, login_page), m = number_of(h, runbook_page);
  github_act(h, "close_issue", {{"number", n}, {"reason", "not_planned"}});
  github_act(h, "edit_issue",
             {{"number", m}, {"labels", json::array{"bug"}}, {"assignees", json::array{}}});
  auto report = h.reconcile();
  CHECK(report.drift == 2);
  CHECK(str(h.property(login_page, "Status")) == "Won't do");  // GitHub's close, mirrored
  CHECK(str(h.issues().at(n).at("state")) == "closed");
  auto runbook = h.issues().at(m);  // Notion owns labels and assignees: put back
  CHECK(names(runbook.at("labels"), "name") == std::vector<std::string>{"docs", "feature"});
  CHECK(names(runbook.at("assignees"), "login") == std::vector<std::string>{"grace-h"});
  auto again = h.reconcile();
  CHECK(again.drift == 0);
  CHECK(again.in_order == 2);
}

TEST_CASE("engine: reconcile reports a marked issue someone else opened and never links it") {
  engine_harness h;
  h.sync(login_page);
  auto copy = h.act("github", "create_issue",
                    {{"repo", "acme/roadmap"},
                     {"title", "Claims the backlog page"},
                     {"body", "<!-- Notion-Page-ID: " + backlog_page + " -->"},
                     {"as", "ada-l"}});
  const auto copy_number = copy.at("number").to_number<std::int64_t>();
  auto report = h.reconcile();
  CHECK(report.adopted == 0);
  CHECK(report.foreign_marked == 1);
  bool said = false;
  for (const auto& f : report.findings)
    said = said || f.find("opened by @ada-l") != std::string::npos;
  CHECK(said);
  h.sync(backlog_page);
  CHECK(h.property(backlog_page, "GitHub Issue Number").is_null());
  CHECK(str(h.issues().at(copy_number).at("state")) == "open");
  CHECK_FALSE(h.link(backlog_page).has_value());
}

TEST_CASE("engine: after a lost answer, only the daemon's own issue is adopted, never a copy") {
  engine_harness h;
  auto copy = h.act("github", "create_issue",
                    {{"repo", "acme/roadmap"},
                     {"title", "Looks like yours"},
                     {"body", "<!-- Notion-Page-ID: " + login_page + " -->"},
                     {"as", "ada-l"}});
  const auto copy_number = copy.at("number").to_number<std::int64_t>();
  h.transport().lose_answers(ngsync::http::verb::post, "/repos/acme/roadmap/issues", 1);
  CHECK_THROWS(h.sync(login_page));
  h.sync(login_page, 2);
  const auto n = number_of(h, login_page);
  CHECK(n != copy_number);
  const auto issues = h.issues();
  CHECK(str(issues.at(n).at("user").at("login")) == "ngsync-bot");
  CHECK(str(issues.at(copy_number).at("body")) == "<!-- Notion-Page-ID: " + login_page + " -->");
  CHECK(issues.size() == 3);  // the pre-existing one, the copy and the daemon's: no fourth
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
}

TEST_CASE("engine: a trashed page's issue reopened by a person stands; the link says so, typed") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  h.act("notion", "trash_page", {{"page_id", login_page}});
  h.sync(login_page);
  REQUIRE(str(h.issues().at(n).at("state")) == "closed");
  github_act(h, "reopen_issue", {{"number", n}});
  h.github_event(n, "reopened");
  CHECK(str(h.issues().at(n).at("state")) == "open");  // the person's reopen is not undone
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->sync_status == ngsync::sync::link_status::error);
  CHECK(link->trash_reopened);
  // A known difference, not drift: reconcile leaves both sides as they are.
  auto report = h.reconcile();
  CHECK(report.drift == 0);
  CHECK(str(h.issues().at(n).at("state")) == "open");
  // Closed again on GitHub: the two sides agree, and the link is in order.
  github_act(h, "close_issue", {{"number", n}, {"reason", "not_planned"}});
  h.github_event(n, "closed");
  link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->sync_status == ngsync::sync::link_status::in_sync);
  CHECK_FALSE(link->trash_reopened);
}

TEST_CASE("engine: reconcile reports an issue deleted on GitHub, and the link says so") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  github_act(h, "delete_issue", {{"number", n}});
  auto report = h.reconcile();
  CHECK(report.issues_gone == 1);
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->sync_status == ngsync::sync::link_status::error);
  REQUIRE(link->last_error);
  CHECK(link->last_error->find("#" + std::to_string(n)) != std::string::npos);
}

TEST_CASE("engine: reconcile closes the issue of a page trashed while its events were lost") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  h.act("notion", "trash_page", {{"page_id", login_page}});
  auto report = h.reconcile();  // runs the sync job it queued, as a worker would
  CHECK(report.pages_gone == 1);
  CHECK(str(h.issues().at(n).at("state")) == "closed");
  CHECK(str(h.issues().at(n).at("state_reason")) == "not_planned");
}

TEST_CASE(
    "engine: reconcile re-links the daemon's issue from its marker; a dry run changes nothing") {
  engine_harness h;
  h.sync(login_page);
  const auto n = number_of(h, login_page);
  h.forget_link(login_page);
  const auto writes = h.sent("POST") + h.sent("PATCH");
  auto dry = h.reconcile(ngsync::engine::reconcile_mode::full, true);
  CHECK(dry.adopted == 1);
  CHECK_FALSE(h.link(login_page).has_value());
  CHECK(h.sent("POST") + h.sent("PATCH") == writes);
  auto report = h.reconcile();
  CHECK(report.adopted == 1);
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->issue_number == n);
  CHECK(h.issues().size() == 2);  // nothing created
  CHECK(h.reconcile().adopted == 0);
}
