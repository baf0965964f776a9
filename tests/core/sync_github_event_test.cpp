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

namespace {

// A page with a Tags multi_select and an Assignees people property (Ada is on it).
notion::notion_page page_with_lists(std::vector<std::string> tags) {
  auto p = page_with("In progress");
  notion::property_value t;
  t.type = notion::property_type::multi_select;
  t.names = std::move(tags);
  p.properties["Tags"] = t;
  notion::property_value a;
  a.type = notion::property_type::people;
  a.people = {{"u-ada", "Ada", "ada@example.com"}};
  p.properties["Assignees"] = a;
  return p;
}

mapping_rules rules_with_lists(field_owner labels, field_owner assignees) {
  auto r = rules_for_test();
  r.labels_property = "Tags";
  r.assignees_property = "Assignees";
  r.user_map = {{"ada@example.com", "ada-l"}, {"u-grace", "grace-h"}};
  r.ownership.labels = labels;
  r.ownership.assignees = assignees;
  return r;
}

link_state linked_with_lists() {
  auto l = linked(desired_state::open);
  l.last_written->labels = {"bug"};
  l.last_written->assignees = {"ada-l"};
  return l;
}

}  // namespace

TEST_CASE("labels and assignees mirrored into Notion when GitHub owns them") {
  const auto rules = rules_with_lists(field_owner::github, field_owner::github);
  auto issue = issue_in(github::issue_state::open);
  issue.labels = {"bug", "docs"};
  issue.assignees = {"ada-l", "grace-h", "linus-t"};  // linus-t has no Notion user
  const auto plan =
      plan_github_event(issue, linked_with_lists(), page_with_lists({"bug"}), rules, false);
  REQUIRE(plan.set_labels);
  CHECK(*plan.set_labels == std::vector<std::string>{"bug", "docs"});
  REQUIRE(plan.set_assignees);
  // Ada through her e-mail (she is on the page), Grace through her id; Linus skipped.
  CHECK(*plan.set_assignees == std::vector<std::string>{"u-ada", "u-grace"});
  CHECK(plan.unmapped_logins == std::vector<std::string>{"linus-t"});
  CHECK(plan.new_last_written_assignees == issue.assignees);
  CHECK(plan.conflicts.empty());
}

TEST_CASE("labels owned by Notion are not mirrored; both changed records a Notion win") {
  const auto rules = rules_with_lists(field_owner::notion, field_owner::notion);
  auto issue = issue_in(github::issue_state::open);
  issue.labels = {"docs"};
  issue.assignees = {"ada-l"};
  auto plan = plan_github_event(issue, linked_with_lists(), page_with_lists({"bug"}), rules, false);
  CHECK_FALSE(plan.set_labels);
  CHECK_FALSE(plan.set_assignees);
  CHECK(plan.conflicts.empty());  // only GitHub changed: the executor restores Notion's value
  plan = plan_github_event(issue, linked_with_lists(), page_with_lists({"feature"}), rules, false);
  CHECK_FALSE(plan.set_labels);
  REQUIRE(plan.conflicts.size() == 1);
  CHECK(plan.conflicts[0].field == "labels");
  CHECK(plan.conflicts[0].winner == "notion");
  CHECK(plan.conflicts[0].rule == "notion_owns");
}

TEST_CASE("labels newer wins: the later side is kept") {
  const auto rules = rules_with_lists(field_owner::newer_wins, field_owner::notion);
  auto issue = issue_in(github::issue_state::open, {}, "2026-11-25T11:00:00Z");
  issue.labels = {"docs"};
  issue.assignees = {"ada-l"};
  auto older_page = page_with_lists({"feature"});  // edited 10:00, GitHub 11:00
  auto plan = plan_github_event(issue, linked_with_lists(), older_page, rules, false);
  REQUIRE(plan.set_labels);
  CHECK(plan.conflicts.at(0).winner == "github");
  auto newer_page = older_page;
  newer_page.last_edited_time = "2026-11-25T12:00:00.000Z";
  plan = plan_github_event(issue, linked_with_lists(), newer_page, rules, false);
  CHECK_FALSE(plan.set_labels);
  CHECK(plan.conflicts.at(0).winner == "notion");
}

TEST_CASE("title owned by Notion, changed on both sides: Notion wins and it is recorded") {
  auto issue = issue_in(github::issue_state::open);
  issue.title = "GitHub's title";
  auto page = page_with("In progress");
  page.properties["Name"].text = "Notion's title";
  const auto plan =
      plan_github_event(issue, linked(desired_state::open), page, rules_for_test(), false);
  CHECK_FALSE(plan.set_title);
  REQUIRE(plan.conflicts.size() == 1);
  CHECK(plan.conflicts[0].field == "title");
  CHECK(plan.conflicts[0].winner == "notion");
  CHECK(plan.conflicts[0].rule == "notion_owns");
}
