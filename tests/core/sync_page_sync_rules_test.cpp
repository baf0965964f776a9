// The page sync's own rules (core/sync/page_sync_rules.hpp): a snapshot older than the event
// mirror's write is read again, content is skipped only where nothing reaches GitHub, a message
// the page already shows is not written again, and what GitHub dropped is said.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "core/sync/page_sync_rules.hpp"
#include "tests/core/support/page_values.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using ngsync::test::text_property;
namespace json = boost::json;

namespace {

mapping_rules rules_with_body() {
  mapping_rules r;
  r.title_property = "Name";
  r.status_property = "Status";
  r.fixed_repository = "acme/roadmap";
  r.create_statuses = {"Ready for Dev"};
  r.close_statuses = {{"Complete", close_reason::completed}};
  r.sync_body = true;
  r.write_back.issue_number = "Issue";
  r.write_back.sync_status = "Sync Status";
  r.write_back.sync_error = "Sync Error";
  return r;
}

notion::notion_page page_in(const std::string& status) {
  notion::notion_page p;
  p.id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  p.last_edited_time = "2026-11-25T09:59:00.000Z";
  p.properties["Name"] = text_property(notion::property_type::title, "Fix the login page");
  p.properties["Status"] = text_property(notion::property_type::status, status);
  return p;
}

}  // namespace

TEST_CASE("page sync rules: a snapshot is read again when the event mirror wrote in its minute") {
  const std::string edited = "2026-11-25T09:59:00.000Z";
  json::object none;
  CHECK_FALSE(mirrored_since(none, edited));
  json::object before{
      {"status", json::object{{"value", "Complete"}, {"at", "2026-11-25T09:58:59Z"}}}};
  CHECK_FALSE(mirrored_since(before, edited));
  // Notion rounds last_edited_time down to the minute: a write later in that minute counts.
  json::object same_minute{
      {"status", json::object{{"value", "Complete"}, {"at", "2026-11-25T09:59:41Z"}}}};
  CHECK(mirrored_since(same_minute, edited));
  json::object without_time{{"status", json::object{{"value", "Complete"}}}};
  CHECK_FALSE(mirrored_since(without_time, edited));
}

TEST_CASE(
    "page sync rules: content is skipped only for an unlinked page before its create status") {
  auto rules = rules_with_body();
  CHECK(content_skipped_unlinked(page_in("Backlog"), rules));
  CHECK_FALSE(content_skipped_unlinked(page_in("Ready for Dev"), rules));
  CHECK_FALSE(content_skipped_unlinked(page_in("Complete"), rules));
  auto trashed = page_in("Backlog");
  trashed.in_trash = true;
  CHECK_FALSE(content_skipped_unlinked(trashed, rules));  // nothing is read for the trash at all
  rules.sync_body = false;
  CHECK_FALSE(content_skipped_unlinked(page_in("Backlog"), rules));
}

TEST_CASE("page sync rules: a message the page already shows is not written again") {
  const auto rules = rules_with_body();
  auto page = page_in("Ready for Dev");
  notion::property_value number;
  number.type = notion::property_type::number;
  number.number = 12;
  page.properties["Issue"] = number;
  page.properties["Sync Status"] = text_property(notion::property_type::select, "Error");
  page.properties["Sync Error"] =
      text_property(notion::property_type::rich_text, "no such project option");

  write_back_action shown;
  shown.issue_number = 12;
  shown.status = sync_status_value::error;
  shown.error_text = "no such project option";
  CHECK(page_already_shows(page, rules.write_back, shown));

  auto other_text = shown;
  other_text.error_text = "another cause";
  CHECK_FALSE(page_already_shows(page, rules.write_back, other_text));
  auto other_number = shown;
  other_number.issue_number = 13;
  CHECK_FALSE(page_already_shows(page, rules.write_back, other_number));
  auto success = shown;
  success.status = sync_status_value::success;
  CHECK_FALSE(page_already_shows(page, rules.write_back, success));
  auto cleared = shown;
  cleared.error_text = "";
  CHECK_FALSE(page_already_shows(page, rules.write_back, cleared));
  // A time or the number of an issue created in this sync is always written.
  auto timed = shown;
  timed.last_sync_at = "2026-11-25T10:00:00Z";
  CHECK_FALSE(page_already_shows(page, rules.write_back, timed));
  page.properties.erase("Sync Error");
  CHECK_FALSE(page_already_shows(page, rules.write_back, shown));
}

TEST_CASE("page sync rules: what GitHub dropped is said, from this write or the last one") {
  sync_plan plan;
  synced_fields desired;
  desired.repo = "acme/roadmap";
  desired.labels = {"bug", "docs"};
  desired.assignees = {"ada-l"};
  plan.desired = desired;
  github_applied_names applied;
  CHECK_FALSE(dropped_names_notice(plan, std::nullopt, applied));  // nothing sent, nothing known
  applied.labels = std::vector<std::string>{"bug", "docs"};
  applied.assignees = std::vector<std::string>{"ada-l"};
  CHECK_FALSE(dropped_names_notice(plan, std::nullopt, applied));  // all applied
  applied.labels = std::vector<std::string>{};
  auto said = dropped_names_notice(plan, std::nullopt, applied);
  REQUIRE(said);
  CHECK(said->find("bug") != std::string::npos);
  CHECK(said->find("acme/roadmap") != std::string::npos);

  // This round wrote nothing: the last write's record speaks.
  link_state state;
  state.repo = "acme/roadmap";
  state.last_written = written_values_of(desired, "2026-11-25T10:00:00Z", applied);
  auto again = dropped_names_notice(sync_plan{}, state, github_applied_names{});
  REQUIRE(again);
  CHECK(*again == *said);
}

TEST_CASE("page sync rules: a poll's snapshot older than the link's last sync is read again") {
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1'000'000);
  const std::string edited = "2026-11-25T09:59:00.000Z";
  const json::object none;
  CHECK(snapshot_outdated(t0, t0 + std::chrono::seconds(1), none, edited));
  CHECK_FALSE(snapshot_outdated(t0 + std::chrono::seconds(1), t0, none, edited));
  CHECK_FALSE(snapshot_outdated(std::nullopt, t0, none, edited));  // no time: only the mirror
  const json::object mirrored{
      {"status", json::object{{"value", "Complete"}, {"at", "2026-11-25T09:59:41Z"}}}};
  CHECK(snapshot_outdated(std::nullopt, std::nullopt, mirrored, edited));
}

TEST_CASE("page sync rules: content is read for linked pages and pages meant for GitHub") {
  auto r = rules_with_body();
  CHECK(content_needed(page_in("Ready for Dev"), false, r));
  CHECK_FALSE(content_needed(page_in("Backlog"), false, r));  // nothing of it reaches GitHub
  CHECK(content_needed(page_in("Backlog"), true, r));         // its issue shows the body
  auto trashed = page_in("Ready for Dev");
  trashed.in_trash = true;
  CHECK_FALSE(content_needed(trashed, true, r));
  r.sync_body = false;
  CHECK_FALSE(content_needed(page_in("Ready for Dev"), true, r));
}
