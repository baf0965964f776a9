// What a page's sync leaves behind (core/sync/page_outcome.hpp): the issue the extras follow,
// what the page shows when something replaces Success, and the link's in-sync record.
#include <doctest/doctest.h>

#include <chrono>

#include "core/sync/page_outcome.hpp"
#include "core/sync/provenance.hpp"
#include "tests/core/support/page_values.hpp"

using namespace ngsync;
using namespace ngsync::sync;
using ngsync::test::text_property;
using namespace std::chrono_literals;

namespace {

write_back_properties status_and_error() {
  write_back_properties wb;
  wb.issue_number = "Issue";
  wb.sync_status = "Sync Status";
  wb.sync_error = "Sync Error";
  wb.last_sync_at = "Last Sync";
  return wb;
}

notion::notion_page page_showing(const std::string& status, const std::string& error) {
  notion::notion_page p;
  p.id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  p.last_edited_time = "2026-11-25T09:59:00.000Z";
  p.properties["Sync Status"] = text_property(notion::property_type::select, status);
  p.properties["Sync Error"] = text_property(notion::property_type::rich_text, error);
  return p;
}

link_state linked(std::int64_t number, desired_state last_state) {
  link_state s;
  s.repo = "acme/roadmap";
  s.issue_number = number;
  last_written_values w;
  w.state = last_state;
  s.last_written = w;
  return s;
}

sync_plan plan_desiring(desired_state state, std::string hash = "h-new") {
  sync_plan plan;
  synced_fields f;
  f.repo = "acme/roadmap";
  f.title = "Fix the login page";
  f.labels = {"bug"};
  f.state = state;
  plan.desired = f;
  plan.synced_hash = std::move(hash);
  return plan;
}

constexpr wall_time read_at = wall_time{} + 1'000'000h;

round_facts facts(std::optional<std::string> link_hash) {
  return {
      std::move(link_hash), "2026-11-25T09:59:00.000Z", std::nullopt, read_at + 5s, read_at, {}};
}

}  // namespace

TEST_CASE("page outcome: the extras follow the issue created here, else the link's confirmed one") {
  const auto open_plan = plan_desiring(desired_state::open);
  SUBCASE("nothing confirmed: no extras") {
    CHECK_FALSE(extras_issue_of(std::nullopt, std::nullopt, open_plan));
    auto intent = linked(7, desired_state::open);
    intent.create_intent = true;  // the POST's outcome is unknown: no issue to follow yet
    CHECK_FALSE(extras_issue_of(intent, std::nullopt, open_plan));
  }
  SUBCASE("the link's issue, closed as the plan leaves it") {
    const auto issue = extras_issue_of(linked(7, desired_state::open), std::nullopt,
                                       plan_desiring(desired_state::closed_completed));
    REQUIRE(issue);
    CHECK(issue->repo == "acme/roadmap");
    CHECK(issue->number == 7);
    CHECK(issue->closed);
  }
  SUBCASE("nothing desired: closed as the daemon last wrote it") {
    const auto issue =
        extras_issue_of(linked(7, desired_state::closed_not_planned), std::nullopt, sync_plan{});
    REQUIRE(issue);
    CHECK(issue->closed);
  }
  SUBCASE("an issue created in this sync wins over an intent on the link") {
    auto intent = linked(0, desired_state::open);
    intent.issue_number.reset();
    intent.create_intent = true;
    const auto issue = extras_issue_of(intent, created_here{"acme/other", 12}, open_plan);
    REQUIRE(issue);
    CHECK(issue->repo == "acme/other");
    CHECK(issue->number == 12);
    CHECK_FALSE(issue->closed);
  }
}

TEST_CASE("page outcome: an error replacing Success shows Error and its text, no sync time") {
  write_back_action success;
  success.issue_number = 7;
  success.status = sync_status_value::success;
  success.error_text = "";
  success.last_sync_at = "2026-11-25T10:00:00Z";
  const auto shown = error_replacing_success(success, "milestone 'v2' does not exist");
  CHECK(shown.issue_number == 7);  // the number is still written back
  CHECK(shown.status == sync_status_value::error);
  CHECK(shown.error_text == "milestone 'v2' does not exist");
  CHECK_FALSE(shown.last_sync_at);
  write_back_action status_only;
  status_only.status = sync_status_value::success;
  CHECK_FALSE(error_replacing_success(status_only, "x").error_text);  // not configured: not added
}

TEST_CASE("page outcome: an error is shown once, and never on a trashed page") {
  const auto wb = status_and_error();
  const std::string error = "the project has no field 'Size'";
  const auto fresh = error_to_show(page_showing("Success", ""), wb, error);
  REQUIRE(fresh);
  CHECK(fresh->status == sync_status_value::error);
  CHECK(fresh->error_text == error);
  CHECK_FALSE(error_to_show(page_showing("Error", error), wb, error));
  CHECK(error_to_show(page_showing("Error", "an older error"), wb, error));
  auto trashed = page_showing("Success", "");
  trashed.in_trash = true;
  CHECK_FALSE(error_to_show(trashed, wb, error));
  // Only the properties the page has are written.
  auto without_error_property = page_showing("Success", "");
  without_error_property.properties.erase("Sync Error");
  const auto status_only = error_to_show(without_error_property, wb, error);
  REQUIRE(status_only);
  CHECK_FALSE(status_only->error_text);
}

TEST_CASE("page outcome: a failed job shows Pending on its first attempt and Error once dead") {
  const auto wb = status_and_error();
  const auto first = failure_to_show(wb, "GitHub answered 503", false, 1);
  REQUIRE(first);
  CHECK(first->status == sync_status_value::pending);
  CHECK(first->error_text == "GitHub answered 503");
  CHECK_FALSE(failure_to_show(wb, "GitHub answered 503", false, 2));
  const auto dead = failure_to_show(wb, "GitHub answered 422", true, 5);
  REQUIRE(dead);
  CHECK(dead->status == sync_status_value::error);
  const auto waiting = pending_to_show(wb, "GitHub answered 503; retrying at 10:02 UTC");
  CHECK(waiting.status == sync_status_value::pending);
  CHECK(waiting.error_text == "GitHub answered 503; retrying at 10:02 UTC");
  CHECK_FALSE(waiting.last_sync_at);
}

TEST_CASE("page outcome: a round's record keeps the write-back's edit time and what GitHub holds") {
  SUBCASE("nothing compared with GitHub: nothing recorded") {
    sync_plan error_only;
    CHECK_FALSE(record_after_round(error_only, facts(std::nullopt)));
  }
  SUBCASE("the plan's hash and values, verified as of the read") {
    auto f = facts("h-old");
    f.edited_after_write_back = "2026-11-25T10:01:00.000Z";
    f.applied.labels = std::vector<std::string>{};  // GitHub dropped the label
    const auto r = record_after_round(plan_desiring(desired_state::open), f);
    REQUIRE(r);
    CHECK(r->notion_last_edited == "2026-11-25T10:01:00.000Z");
    CHECK(r->synced_hash == "h-new");
    CHECK(r->synced_at == read_at);
    const auto written = last_written_from(r->written_to_github);
    REQUIRE(written);
    CHECK(written->labels == std::vector<std::string>{"bug"});
    REQUIRE(written->labels_applied);
    CHECK(written->labels_applied->empty());
  }
  SUBCASE("no new hash: the link's stays, and the page's own edit time") {
    sync_plan only_write_back;
    const auto r = record_after_round(only_write_back, facts("h-old"));
    REQUIRE(r);
    CHECK(r->synced_hash == "h-old");
    CHECK(r->notion_last_edited == "2026-11-25T09:59:00.000Z");
    CHECK(r->written_to_github.empty());
  }
}

TEST_CASE("page outcome: an unchanged page is settled only from a state the extras may clear") {
  const auto page = page_showing("Success", "");
  const sync_plan nothing;
  CHECK_FALSE(record_when_unchanged(nothing, std::nullopt, page, false, facts("h")));
  CHECK_FALSE(record_when_unchanged(nothing, link_status::pending, page, false, facts("h")));
  CHECK_FALSE(record_when_unchanged(nothing, link_status::error, page, false, facts("h")));
  CHECK(record_when_unchanged(nothing, link_status::error, page, true, facts("h")));
  auto trashed = page;
  trashed.in_trash = true;  // its error is the issue reopened on GitHub: not the extras' to clear
  CHECK_FALSE(record_when_unchanged(nothing, link_status::error, trashed, true, facts("h")));
  const auto kept = record_when_unchanged(nothing, link_status::in_sync, page, false, facts("h"));
  REQUIRE(kept);
  CHECK(kept->synced_hash == "h");
  CHECK(kept->written_to_github.empty());
  // Compared with the issue and found in agreement (a close mirrored into the page): that state.
  const auto agreed = record_when_unchanged(plan_desiring(desired_state::closed_completed),
                                            link_status::in_sync, page, false, facts("h"));
  REQUIRE(agreed);
  CHECK(agreed->synced_hash == "h-new");
  CHECK(last_written_from(agreed->written_to_github)->state == desired_state::closed_completed);
}
