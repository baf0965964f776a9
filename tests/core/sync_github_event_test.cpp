// GitHub -> Notion mirroring: echo suppression, ownership and newer-wins for status.
#include <doctest/doctest.h>

#include "core/sync/github_event_planner.hpp"

using namespace ngsync;
using namespace ngsync::sync;

namespace {

mapping_rules rules_for_test() {
  mapping_rules r;
  r.title_property = "Name";
  r.status_property = "Status";
  r.create_statuses = {"Ready for Dev"};
  r.close_statuses = {{"Complete", close_reason::completed},
                      {"Won't do", close_reason::not_planned}};
  return r;
}

notion::notion_page page_with(std::string status, std::string edited = "2026-11-25T10:00:00.000Z") {
  notion::notion_page p;
  p.id = "p";
  p.last_edited_time = std::move(edited);
  notion::property_value s;
  s.type = notion::property_type::status;
  s.text = std::move(status);
  p.properties["Status"] = s;
  notion::property_value t;
  t.type = notion::property_type::title;
  t.text = "Title";
  p.properties["Name"] = t;
  return p;
}

link_state linked(desired_state last) {
  link_state l;
  l.repo = "a/b";
  l.issue_number = 1;
  last_written_values v;
  v.title = "Title";
  v.state = last;
  l.last_written = v;
  return l;
}

github::github_issue issue_in(github::issue_state s, std::optional<std::string> reason = {},
                              std::string updated = "2026-11-25T11:00:00Z") {
  github::github_issue i;
  i.number = 1;
  i.title = "Title";
  i.state = s;
  i.state_reason = std::move(reason);
  i.updated_at = std::move(updated);
  return i;
}

}  // namespace

TEST_CASE("closed on GitHub by a person: the page moves to the matching close status") {
  const auto rules = rules_for_test();
  auto plan =
      plan_github_event(issue_in(github::issue_state::closed, "completed"),
                        linked(desired_state::open), page_with("In progress"), rules, false);
  CHECK(plan.set_status == std::string("Complete"));
  CHECK(plan.new_last_written_state == desired_state::closed_completed);
  plan = plan_github_event(issue_in(github::issue_state::closed, "not_planned"),
                           linked(desired_state::open), page_with("In progress"), rules, false);
  CHECK(plan.set_status == std::string("Won't do"));
}

TEST_CASE("reopened on GitHub: the page goes back to the create status") {
  const auto plan = plan_github_event(issue_in(github::issue_state::open),
                                      linked(desired_state::closed_completed),
                                      page_with("Complete"), rules_for_test(), false);
  CHECK(plan.set_status == std::string("Ready for Dev"));
}

TEST_CASE("echoes and no-ops write nothing") {
  const auto rules = rules_for_test();
  // The daemon's own event.
  CHECK(plan_github_event(issue_in(github::issue_state::closed, "completed"),
                          linked(desired_state::open), page_with("In progress"), rules, true)
            .empty());
  // GitHub says what the daemon last wrote.
  CHECK(plan_github_event(issue_in(github::issue_state::closed, "completed"),
                          linked(desired_state::closed_completed), page_with("In progress"), rules,
                          false)
            .empty());
  // The page already says so.
  CHECK(plan_github_event(issue_in(github::issue_state::closed), linked(desired_state::open),
                          page_with("Complete"), rules, false)
            .empty());
  // Title and labels belong to Notion by default.
  auto renamed = issue_in(github::issue_state::open);
  renamed.title = "Renamed on GitHub";
  CHECK(plan_github_event(renamed, linked(desired_state::open), page_with("In progress"), rules,
                          false)
            .empty());
}

TEST_CASE("status newer wins when both sides changed since the last sync") {
  const auto rules = rules_for_test();
  // Last sync closed the issue (Complete). GitHub reopened it at 11:00; Notion moved to Won't do.
  const auto reopened = issue_in(github::issue_state::open, {}, "2026-11-25T11:00:00Z");
  const auto later =
      plan_github_event(reopened, linked(desired_state::closed_completed),
                        page_with("Won't do", "2026-11-25T12:00:00.000Z"), rules, false);
  CHECK(later.empty());  // Notion is newer: the Notion -> GitHub plan closes it again
  CHECK(later.notes.back().find("Notion wins") != std::string::npos);

  const auto earlier =
      plan_github_event(reopened, linked(desired_state::closed_completed),
                        page_with("Won't do", "2026-11-25T10:00:00.000Z"), rules, false);
  CHECK(earlier.set_status == std::string("Ready for Dev"));  // GitHub is newer

  auto notion_owned = rules;
  notion_owned.ownership.status = field_owner::notion;
  CHECK(plan_github_event(reopened, linked(desired_state::closed_completed),
                          page_with("Won't do", "2026-11-25T10:00:00.000Z"), notion_owned, false)
            .empty());
}

TEST_CASE("title mirrored only when GitHub owns it") {
  auto rules = rules_for_test();
  rules.ownership.title = field_owner::github;
  auto renamed = issue_in(github::issue_state::open);
  renamed.title = "Renamed on GitHub";
  const auto plan = plan_github_event(renamed, linked(desired_state::open),
                                      page_with("In progress"), rules, false);
  CHECK(plan.set_title == std::string("Renamed on GitHub"));
  CHECK_FALSE(plan.set_status);
}
