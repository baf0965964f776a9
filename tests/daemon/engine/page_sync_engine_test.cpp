// The page syncer's paths, in-process (tests/daemon/engine/support/engine_harness.hpp): the same
// Notion and GitHub emulators as the end-to-end tests, without a process or a socket, on a
// scratch database. Each case runs in milliseconds and checks both sides and the calls made.
#include <doctest/doctest.h>

#include <string>

#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "tests/daemon/engine/support/engine_harness.hpp"

namespace json = boost::json;
using ngsync::test::engine_harness;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";    // Ready, bug, Ada
const std::string backlog_page = "a1000000-0000-4000-8000-000000000002";  // Backlog
const std::string issues_path = "/repos/acme/roadmap/issues";

int issues_with_marker(const engine_harness& h, const std::string& page_id) {
  int n = 0;
  for (const auto& [number, issue] : h.issues()) {
    const auto* body = issue.if_contains("body");
    n += body && body->is_string() &&
         std::string(body->as_string()).find("Notion-Page-ID: " + page_id) != std::string::npos;
  }
  return n;
}

json::object issue_of(const engine_harness& h, const std::string& page_id) {
  auto number = h.property(page_id, "GitHub Issue Number");
  REQUIRE_MESSAGE(number.is_number(), "the page shows no issue number");
  return h.issues().at(number.to_number<std::int64_t>());
}

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

void set_status(engine_harness& h, const std::string& page_id, const std::string& status) {
  h.act("notion", "edit_page",
        {{"page_id", page_id}, {"properties", json::object{{"Status", status}}}});
}

}  // namespace

TEST_CASE("engine: a Ready page gets one issue, the page its number, URL and Success") {
  engine_harness h;
  h.sync(login_page);
  CHECK(h.issues().size() == 2);  // the pre-existing one and this page's
  const auto issue = issue_of(h, login_page);
  CHECK(str(issue.at("title")) == "Fix login redirect");
  CHECK(str(issue.at("state")) == "open");
  CHECK(str(issue.at("body")).find("The login page loops.") != std::string::npos);
  CHECK(issues_with_marker(h, login_page) == 1);
  CHECK(str(h.property(login_page, "GitHub Issue URL")) == str(issue.at("html_url")));
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
  CHECK(str(h.property(login_page, "GitHub Sync Error")).empty());
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->sync_status == ngsync::sync::link_status::in_sync);
  CHECK(link->issue_number == issue.at("number").to_number<std::int64_t>());

  SUBCASE("synced again unchanged, it writes nothing anywhere") {
    const auto posts = h.sent("POST"), patches = h.sent("PATCH");
    h.sync(login_page);
    CHECK(h.sent("POST") == posts);
    CHECK(h.sent("PATCH") == patches);
    CHECK(h.issues().size() == 2);
  }
}

TEST_CASE("engine: a page before its create status gets no issue and no write-back") {
  engine_harness h;
  h.sync(backlog_page);
  CHECK(h.issues().size() == 1);
  CHECK(h.sent("POST " + issues_path) == 0);
  CHECK(h.sent("PATCH /v1/pages") == 0);
}

TEST_CASE("engine: a create whose answer was lost is found by its marker, never made twice") {
  engine_harness h;
  h.transport().lose_answers(ngsync::http::verb::post, issues_path, 1);
  CHECK_THROWS_AS(h.sync(login_page), ngsync::api::api_exception);
  // The issue exists on GitHub; the daemon only knows it tried (the intent, committed first).
  CHECK(issues_with_marker(h, login_page) == 1);
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->create_attempt_id.has_value());
  CHECK_FALSE(link->issue_number.has_value());

  h.sync(login_page, 2);
  CHECK(issues_with_marker(h, login_page) == 1);
  CHECK(h.sent("POST " + issues_path) == 1);
  const auto issue = issue_of(h, login_page);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
  link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->issue_number == issue.at("number").to_number<std::int64_t>());
}

TEST_CASE("engine: a create GitHub refused with 503 is made by the retry, once") {
  engine_harness h;
  h.sandbox().faults().configure(json::parse(
      R"({"rules": [{"api": "github", "method": "POST", "path_prefix": "/repos/acme/roadmap/issues",
                     "error_rate": 1, "error_status": 503}]})"));
  try {
    h.sync(login_page);
    FAIL("the sync succeeded through a 503");
  } catch (const ngsync::api::api_exception& e) {
    CHECK(e.failure().status == 503);
  }
  CHECK(issues_with_marker(h, login_page) == 0);
  h.sandbox().faults().clear();
  h.sync(login_page, 2);
  CHECK(issues_with_marker(h, login_page) == 1);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Success");
}

TEST_CASE("engine: Complete closes the issue as completed; back in progress, it reopens") {
  engine_harness h;
  h.sync(login_page);
  set_status(h, login_page, "Complete");
  h.sync(login_page);
  auto issue = issue_of(h, login_page);
  CHECK(str(issue.at("state")) == "closed");
  CHECK(str(issue.at("state_reason")) == "completed");
  set_status(h, login_page, "In Progress");
  h.sync(login_page);
  issue = issue_of(h, login_page);
  CHECK(str(issue.at("state")) == "open");
  CHECK(issues_with_marker(h, login_page) == 1);
}

TEST_CASE("engine: a trashed page closes its issue as not planned; restored, it reopens") {
  engine_harness h;
  h.sync(login_page);
  h.act("notion", "trash_page", {{"page_id", login_page}});
  h.sync(login_page);
  auto issue = issue_of(h, login_page);
  CHECK(str(issue.at("state")) == "closed");
  CHECK(str(issue.at("state_reason")) == "not_planned");
  h.act("notion", "restore_page", {{"page_id", login_page}});
  h.sync(login_page);
  issue = issue_of(h, login_page);
  CHECK(str(issue.at("state")) == "open");
}

TEST_CASE("engine: a page naming an issue it did not make shows Error; nothing is created") {
  engine_harness h;
  // Issue #1 was opened by a person and carries no marker.
  h.act("notion", "edit_page",
        {{"page_id", backlog_page},
         {"properties", json::object{{"Status", "Ready for Dev"}, {"GitHub Issue Number", 1}}}});
  h.sync(backlog_page);
  CHECK(h.issues().size() == 1);
  CHECK(h.sent("POST " + issues_path) == 0);
  CHECK(str(h.property(backlog_page, "GitHub Sync Status")) == "Error");
  CHECK_FALSE(str(h.property(backlog_page, "GitHub Sync Error")).empty());
}

TEST_CASE("engine: a lost link is restored from the number the page carries, not re-created") {
  engine_harness h;
  h.sync(login_page);
  const auto number = issue_of(h, login_page).at("number").to_number<std::int64_t>();
  h.forget_link(login_page);
  REQUIRE_FALSE(h.link(login_page));
  h.sync(login_page);
  CHECK(issues_with_marker(h, login_page) == 1);
  CHECK(h.sent("POST " + issues_path) == 1);
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->issue_number == number);
}

TEST_CASE("engine: a failing sync shows Pending and the cause once; a dead one shows Error") {
  engine_harness h;
  h.sandbox().faults().configure(json::parse(
      R"({"rules": [{"api": "github", "method": "POST", "error_rate": 1, "error_status": 503}]})"));
  CHECK_THROWS_AS(h.sync(login_page), ngsync::api::api_exception);
  h.report_failure(login_page, "GitHub answered 503", false);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Pending");
  CHECK(str(h.property(login_page, "GitHub Sync Error")) == "GitHub answered 503");
  // The retries say nothing new: Notion's 3 requests/s are shared.
  const auto page_writes = h.sent("PATCH /v1/pages");
  CHECK_THROWS_AS(h.sync(login_page, 2), ngsync::api::api_exception);
  h.report_failure(login_page, "GitHub answered 503", false, 2);
  CHECK(h.sent("PATCH /v1/pages") == page_writes);
  h.report_failure(login_page, "GitHub answered 503 five times", true, 5);
  CHECK(str(h.property(login_page, "GitHub Sync Status")) == "Error");
  CHECK(str(h.property(login_page, "GitHub Sync Error")) == "GitHub answered 503 five times");
  auto link = h.link(login_page);
  REQUIRE(link);
  CHECK(link->sync_status == ngsync::sync::link_status::error);
  CHECK(issues_with_marker(h, login_page) == 0);
}
