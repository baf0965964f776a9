// Drift, the one rule: does GitHub still show what the daemon last wrote there? Page syncs ask it
// for "newer wins", the GitHub event mirror for which Notion-owned fields to restore, and
// reconcile for whether an issue is in order.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "core/sync/drift.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/provenance.hpp"

using namespace ngsync;
using namespace ngsync::sync;

namespace {

std::string body_with_revision(const std::string& revision, const std::string& around = "") {
  managed_section s;
  s.page_id = "1c2d3e4f-0000-4000-8000-000000000001";
  s.page_url = "https://www.notion.so/p";
  s.content_markdown = "What to build.";
  s.revision = revision;
  return merge_body(around, s);
}

// What the daemon last wrote: the record on the link.
last_written_values written() {
  last_written_values w;
  w.title = "Ship the importer";
  w.body_revision = "0123456789abcdef";
  w.labels = {"bug", "infra"};
  w.assignees = {"octocat"};
  w.state = desired_state::open;
  w.written_at = "2026-12-01T10:00:00Z";
  return w;
}

// GitHub showing exactly that write.
github::github_issue echo_of(const last_written_values& w) {
  github::github_issue i;
  i.number = 7;
  i.title = w.title;
  i.body = body_with_revision(w.body_revision);
  i.labels = w.labels;
  i.assignees = w.assignees;
  i.state =
      w.state == desired_state::open ? github::issue_state::open : github::issue_state::closed;
  if (w.state == desired_state::closed_not_planned) i.state_reason = "not_planned";
  if (w.state == desired_state::closed_completed) i.state_reason = "completed";
  return i;
}

}  // namespace

TEST_CASE("drift: an echo of the daemon's own write is no drift") {
  const auto w = written();
  const auto d = drift_of(echo_of(w), w);
  CHECK(d == field_drift{});
  CHECK_FALSE(d.any());
}

TEST_CASE("drift: without a record nothing has drifted") {
  auto issue = echo_of(written());
  issue.title = "Someone's title";
  issue.state = github::issue_state::closed;
  CHECK_FALSE(drift_of(issue, std::optional<last_written_values>{}).any());
}

TEST_CASE("drift: the title is compared exactly") {
  const auto w = written();
  auto issue = echo_of(w);
  issue.title = "Ship the importer!";
  CHECK(drift_of(issue, w) == field_drift{.title = true});
  issue.title = "ship the importer";  // case counts: GitHub shows what was typed
  CHECK(drift_of(issue, w).title);
}

TEST_CASE("drift: the body by its revision marker, not by the text around the section") {
  const auto w = written();
  auto issue = echo_of(w);
  SUBCASE("text a person added outside the managed section is not drift") {
    issue.body = body_with_revision(w.body_revision, "Notes from the call.");
    CHECK_FALSE(drift_of(issue, w).any());
  }
  SUBCASE("another revision is drift") {
    issue.body = body_with_revision("fedcba9876543210");
    CHECK(drift_of(issue, w) == field_drift{.body = true});
  }
  SUBCASE("a body without the section (a person replaced it) is drift") {
    issue.body = "Rewritten by hand.";
    CHECK(drift_of(issue, w).body);
  }
  SUBCASE("a record without a revision says nothing about the body") {
    auto no_revision = w;
    no_revision.body_revision.clear();
    issue.body = "Rewritten by hand.";
    CHECK_FALSE(drift_of(issue, no_revision).any());
  }
}

TEST_CASE("drift: labels as a name set (order, case and repeats do not count)") {
  const auto w = written();
  auto issue = echo_of(w);
  issue.labels = {"Infra", "BUG", "bug"};
  CHECK_FALSE(drift_of(issue, w).any());
  issue.labels = {"bug"};  // one removed
  CHECK(drift_of(issue, w) == field_drift{.labels = true});
  issue.labels = {"bug", "infra", "p1"};  // one added
  CHECK(drift_of(issue, w).labels);
}

TEST_CASE("drift: assignees as a login set") {
  const auto w = written();
  auto issue = echo_of(w);
  issue.assignees = {"OctoCat"};
  CHECK_FALSE(drift_of(issue, w).any());
  issue.assignees = {};
  CHECK(drift_of(issue, w) == field_drift{.assignees = true});
}

TEST_CASE("drift: the state is open or closed; the close reason does not count") {
  auto w = written();
  auto issue = echo_of(w);
  issue.state = github::issue_state::closed;
  issue.state_reason = "completed";
  CHECK(drift_of(issue, w) == field_drift{.state = true});

  w.state = desired_state::closed_not_planned;
  CHECK_FALSE(drift_of(issue, w).any());  // closed as completed, written as not planned
  issue.state = github::issue_state::open;
  issue.state_reason = "reopened";
  CHECK(drift_of(issue, w).state);
}

TEST_CASE("drift: the state GitHub shows, in the sync's words") {
  github::github_issue i;
  CHECK(state_on_github(i) == desired_state::open);
  i.state = github::issue_state::closed;
  CHECK(state_on_github(i) == desired_state::closed_completed);  // no reason: completed
  i.state_reason = "not_planned";
  CHECK(state_on_github(i) == desired_state::closed_not_planned);
  i.state_reason = "duplicate";
  CHECK(state_on_github(i) == desired_state::closed_completed);
}

TEST_CASE("drift: the fields restored over GitHub's change are the drifted ones Notion owns") {
  mapping_rules rules;
  rules.labels_property = "Labels";
  rules.assignees_property = "Assignees";
  const field_drift all{true, true, true, true, true};
  SUBCASE("by default Notion owns them all; the state is never restored this way") {
    CHECK(notion_fields_to_restore(all, rules) ==
          std::vector<std::string>{"title", "labels", "assignees", "body"});
  }
  SUBCASE("fields GitHub owns or the newer side wins are left to the event planner") {
    rules.ownership.title = field_owner::github;
    rules.ownership.labels = field_owner::newer_wins;
    CHECK(notion_fields_to_restore(all, rules) == std::vector<std::string>{"assignees", "body"});
  }
  SUBCASE("fields the mapping does not sync are never restored") {
    rules.labels_property.reset();
    rules.assignees_property.reset();
    rules.sync_body = false;
    CHECK(notion_fields_to_restore(all, rules) == std::vector<std::string>{"title"});
  }
  SUBCASE("nothing drifted, nothing restored") {
    CHECK(notion_fields_to_restore(field_drift{}, rules).empty());
  }
}

TEST_CASE("provenance: the stored record reads back as written") {
  for (auto state :
       {desired_state::open, desired_state::closed_completed, desired_state::closed_not_planned}) {
    auto w = written();
    w.state = state;
    CHECK(last_written_from(provenance_json(w)) == w);
  }
}

TEST_CASE("provenance: no title, no record; a partial record reads with defaults") {
  namespace json = boost::json;
  CHECK_FALSE(last_written_from(json::object{}).has_value());
  CHECK_FALSE(last_written_from(json::object{{"state", "open"}}).has_value());
  const auto partial = last_written_from(json::object{{"title", "T"}, {"state", "closed?"}});
  REQUIRE(partial.has_value());
  CHECK(partial->title == "T");
  CHECK(partial->body_revision.empty());
  CHECK(partial->labels.empty());
  CHECK(partial->state == desired_state::open);  // unknown text: open, as the sync always read it
}

TEST_CASE("drift: reconcile leaves a trashed page's reopened issue alone, not its other fields") {
  auto w = written();
  w.state = desired_state::closed_not_planned;  // the trash closed it
  auto reopened = echo_of(w);
  reopened.state = github::issue_state::open;
  reopened.state_reason.reset();
  CHECK(reconcile_finds_drift(reopened, w, false));
  CHECK_FALSE(reconcile_finds_drift(reopened, w, true));  // the link shows it: a known difference
  reopened.title = "Renamed on GitHub";
  CHECK(reconcile_finds_drift(reopened, w, true));
  CHECK_FALSE(reconcile_finds_drift(reopened, std::nullopt, false));
}
