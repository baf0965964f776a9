// The two-way additions to the GitHub -> Notion planner: the configured reopen status and the
// conflicts it records (both sides changed one field; who won and by which rule).
#include <doctest/doctest.h>

#include "core/sync/github_event_planner.hpp"

using namespace ngsync;
using namespace ngsync::sync;

namespace {

mapping_rules rules_two_way() {
  mapping_rules r;
  r.create_statuses = {"Ready for Dev"};
  r.close_statuses = {{"Complete", close_reason::completed},
                      {"Won't do", close_reason::not_planned}};
  return r;
}

notion::notion_page page_at(std::string status, std::string edited, std::string title = "T") {
  notion::notion_page p;
  p.id = "p";
  p.last_edited_time = std::move(edited);
  notion::property_value s;
  s.type = notion::property_type::status;
  s.type_name = "status";
  s.text = std::move(status);
  p.properties["Status"] = s;
  notion::property_value t;
  t.type = notion::property_type::title;
  t.text = std::move(title);
  p.properties["Name"] = t;
  return p;
}

link_state written(desired_state st, std::string title = "T") {
  link_state l;
  l.repo = "a/b";
  l.issue_number = 3;
  last_written_values v;
  v.title = std::move(title);
  v.state = st;
  l.last_written = v;
  return l;
}

github::github_issue issue(github::issue_state s, std::optional<std::string> reason,
                           std::string updated, std::string title = "T") {
  github::github_issue i;
  i.number = 3;
  i.title = std::move(title);
  i.state = s;
  i.state_reason = std::move(reason);
  i.updated_at = std::move(updated);
  return i;
}

}  // namespace

TEST_CASE("reopened on GitHub: the page takes the configured reopen status") {
  const auto rules = rules_two_way();
  mirror_options o;
  o.reopen_status = "In Progress";
  auto plan =
      plan_github_event(issue(github::issue_state::open, "reopened", "2026-11-25T11:00:00Z"),
                        written(desired_state::closed_completed),
                        page_at("Complete", "2026-11-25T10:00:00.000Z"), rules, false, o);
  CHECK(plan.set_status == std::string("In Progress"));
  CHECK(plan.new_last_written_state == desired_state::open);
  CHECK(plan.conflicts.empty());
  // Without the option: the first create status.
  plan = plan_github_event(issue(github::issue_state::open, "reopened", "2026-11-25T11:00:00Z"),
                           written(desired_state::closed_completed),
                           page_at("Complete", "2026-11-25T10:00:00.000Z"), rules, false);
  CHECK(plan.set_status == std::string("Ready for Dev"));
}

TEST_CASE("status changed on both sides: newer wins, and the decision is recorded") {
  const auto rules = rules_two_way();
  // Only GitHub changed (Notion still shows what was last written): mirrored, no conflict.
  auto plan =
      plan_github_event(issue(github::issue_state::closed, "completed", "2026-11-25T10:02:00Z"),
                        written(desired_state::open),
                        page_at("In Progress", "2026-11-25T10:05:00.000Z"), rules, false);
  CHECK(plan.set_status == std::string("Complete"));
  CHECK(plan.conflicts.empty());

  // Last written: closed. GitHub reopened at 10:02, Notion moved to Won't do at 10:05: both
  // changed, Notion's edit is newer and wins.
  plan = plan_github_event(issue(github::issue_state::open, "reopened", "2026-11-25T10:02:00Z"),
                           written(desired_state::closed_completed),
                           page_at("Won't do", "2026-11-25T10:05:00.000Z"), rules, false);
  CHECK_FALSE(plan.set_status);
  REQUIRE(plan.conflicts.size() == 1);
  CHECK(plan.conflicts[0].field == "status");
  CHECK(plan.conflicts[0].winner == "notion");
  CHECK(plan.conflicts[0].rule == "newer_wins");

  // Same edits, GitHub's reopen the newer one -> GitHub wins and the page is reopened.
  plan = plan_github_event(issue(github::issue_state::open, "reopened", "2026-11-25T10:09:00Z"),
                           written(desired_state::closed_completed),
                           page_at("Won't do", "2026-11-25T10:05:00.000Z"), rules, false);
  CHECK(plan.set_status == std::string("Ready for Dev"));
  REQUIRE(plan.conflicts.size() == 1);
  CHECK(plan.conflicts[0].winner == "github");
}

TEST_CASE("title owned by GitHub with both sides changed: conflict recorded, GitHub kept") {
  auto rules = rules_two_way();
  rules.ownership.title = field_owner::github;
  auto plan = plan_github_event(
      issue(github::issue_state::open, std::nullopt, "2026-11-25T10:02:00Z", "GitHub title"),
      written(desired_state::open, "Old"),
      page_at("In Progress", "2026-11-25T10:05:00.000Z", "Notion title"), rules, false);
  CHECK(plan.set_title == std::string("GitHub title"));
  REQUIRE(plan.conflicts.size() == 1);
  CHECK(plan.conflicts[0].field == "title");
  CHECK(plan.conflicts[0].winner == "github");
  CHECK(plan.conflicts[0].rule == "github_owns");
}
