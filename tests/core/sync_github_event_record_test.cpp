// What a GitHub event's mirror writes (core/sync/github_event_record.hpp): the page properties in
// Notion's request shapes, the provenance with its source, GitHub's values as the record, and
// what a person left on the issue of a trashed page.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "core/sync/github_event_record.hpp"
#include "core/sync/provenance.hpp"

using namespace ngsync;
using namespace ngsync::sync;
namespace json = boost::json;

namespace {

mapping_rules rules() {
  mapping_rules r;
  r.title_property = "Name";
  r.status_property = "Status";
  r.labels_property = "Tags";
  r.assignees_property = "Assignees";
  return r;
}

notion::notion_page page_with_status_type(const std::string& type_name) {
  notion::notion_page p;
  p.id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  notion::property_value status;
  status.type =
      type_name == "select" ? notion::property_type::select : notion::property_type::status;
  status.type_name = type_name;
  status.text = "Ready for Dev";
  p.properties["Status"] = status;
  return p;
}

}  // namespace

TEST_CASE(
    "github event record: the page write speaks Notion's shapes and says where it came from") {
  notion_mirror_plan plan;
  plan.set_status = "Won't do";
  plan.set_title = "Fix the loop";
  plan.set_labels = std::vector<std::string>{"bug"};
  plan.set_assignees = std::vector<std::string>{"2200a911-6a96-44bb-bd38-6bfb1e01b9f6"};
  const std::string now = "2026-12-07T05:00:00Z";
  auto w = mirror_write_of(plan, page_with_status_type("status"), rules(), now, "closed");
  CHECK(w.properties.at("Status") == json::parse(R"({"status": {"name": "Won't do"}})"));
  CHECK(w.properties.at("Name") ==
        json::parse(R"({"title": [{"type": "text", "text": {"content": "Fix the loop"}}]})"));
  CHECK(w.properties.at("Tags") == json::parse(R"({"multi_select": [{"name": "bug"}]})"));
  CHECK(w.properties.at("Assignees") == json::parse(R"({"people": [{"object": "user",
                                    "id": "2200a911-6a96-44bb-bd38-6bfb1e01b9f6"}]})"));
  CHECK(w.written_to_notion.at("status") ==
        json::parse(R"({"value": "Won't do", "at": "2026-12-07T05:00:00Z",
                        "from": "github:closed"})"));
  CHECK(w.written_to_notion.size() == 4);

  // A status kept in a select property is written as a select.
  auto as_select = mirror_write_of(plan, page_with_status_type("select"), rules(), now, "closed");
  CHECK(as_select.properties.at("Status") == json::parse(R"({"select": {"name": "Won't do"}})"));
  // Fields the mapping does not sync are not written.
  auto r = rules();
  r.labels_property.reset();
  auto without_labels = mirror_write_of(plan, page_with_status_type("status"), r, now, "closed");
  CHECK_FALSE(without_labels.properties.contains("Tags"));
  CHECK_FALSE(without_labels.written_to_notion.contains("labels"));
}

TEST_CASE("github event record: GitHub's values become the record, applied in full") {
  notion_mirror_plan plan;
  CHECK(github_record_of(plan).empty());
  plan.new_last_written_state = desired_state::closed_not_planned;
  plan.new_last_written_labels = std::vector<std::string>{"bug"};
  auto rec = github_record_of(plan);
  CHECK(rec.at("state") == "closed:not_planned");
  CHECK(rec.at("labels") == json::array{"bug"});
  CHECK(rec.at("labels_applied").is_null());
  CHECK_FALSE(rec.contains("assignees"));
  CHECK_FALSE(rec.contains("title"));
}

TEST_CASE("github event record: a trashed page's issue keeps a person's edits, not an open state") {
  github::github_issue issue;
  issue.title = "Renamed by a person";
  issue.labels = {"bug"};
  issue.assignees = {"ada-l"};
  issue.state = github::issue_state::open;
  auto open = trashed_issue_record(issue);
  CHECK(open.at("title") == "Renamed by a person");
  CHECK(open.at("labels") == json::array{"bug"});
  CHECK_FALSE(open.contains("state"));
  issue.state = github::issue_state::closed;
  issue.state_reason = "completed";
  auto closed = trashed_issue_record(issue);
  CHECK(closed.at("state") == "closed:completed");
}

TEST_CASE("github event record: each conflict is logged with its rule, winner and issue") {
  notion_mirror_plan plan;
  plan.conflicts.push_back({"status", "github", "newer_wins", "In Progress", "Complete"});
  auto entries = conflict_entries(plan, "2026-12-07T05:00:00Z", "acme/roadmap#7");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0] == json::parse(R"({"at": "2026-12-07T05:00:00Z", "field": "status",
      "winner": "github", "rule": "newer_wins", "notion": "In Progress", "github": "Complete",
      "issue": "acme/roadmap#7"})"));
}

TEST_CASE(
    "github event record: a reopen of a trashed page's issue stands and flips the link once") {
  github::github_issue issue;
  issue.number = 7;
  issue.state = github::issue_state::open;
  const auto reopened = hold_of_trashed(issue, false, "acme/roadmap#7");
  CHECK(reopened.open);
  CHECK(reopened.flip);
  CHECK(reopened.message.find("acme/roadmap#7 was reopened on GitHub") != std::string::npos);
  CHECK_FALSE(hold_of_trashed(issue, true, "acme/roadmap#7").flip);  // said already
  issue.state = github::issue_state::closed;
  const auto closed_again = hold_of_trashed(issue, true, "acme/roadmap#7");
  CHECK_FALSE(closed_again.open);
  CHECK(closed_again.flip);  // the link agrees again
  CHECK_FALSE(hold_of_trashed(issue, false, "acme/roadmap#7").flip);
}

TEST_CASE(
    "github event record: Notion-owned fields GitHub changed, and a Notion win, are restored") {
  last_written_values last;
  last.title = "Fix the loop";
  last.labels = {"bug"};
  last.written_at = "2026-12-07T05:00:00Z";
  const auto written = provenance_json(last);
  github::github_issue issue;
  issue.number = 7;
  issue.title = "Fix the loop";
  issue.labels = {"bug"};
  issue.state = github::issue_state::open;
  notion_mirror_plan plan;
  CHECK_FALSE(restore_after_mirror(plan, issue, written, rules()).any());
  issue.title = "Someone renamed it";
  issue.labels = {"bug", "wontfix"};
  auto need = restore_after_mirror(plan, issue, written, rules());
  CHECK(need.fields == std::vector<std::string>{"title", "labels"});
  plan.new_last_written_title = "Someone renamed it";  // the plan took GitHub's title
  need = restore_after_mirror(plan, issue, written, rules());
  CHECK(need.fields == std::vector<std::string>{"labels"});
  issue.title = "Fix the loop";
  issue.labels = {"bug"};
  plan.conflicts.push_back({"status", "notion", "newer_wins", "In progress", "closed"});
  need = restore_after_mirror(plan, issue, written, rules());
  CHECK(need.fields.empty());
  CHECK(need.notion_won);
  CHECK(need.any());
}
