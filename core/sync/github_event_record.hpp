#pragma once
// What carrying out a GitHub event's mirror plan (github_event_planner.hpp) writes, as values:
// the page properties to PATCH with their provenance, GitHub's values the record now holds, the
// conflict log entries, and what a person left on the issue of a trashed page. Pure; the
// engine's github_event_sync.cpp sends and stores them.
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/github_event_planner.hpp"
#include "core/sync/mapping_rules.hpp"

namespace ngsync::sync {

struct mirror_write {
  boost::json::object properties;         // the PATCH /v1/pages/{id} properties
  boost::json::object written_to_notion;  // field -> {value, at, from: "github:<action>"}
};

// The page write of a non-empty plan at `now` (ISO 8601) for the event `action`. A status goes
// to the page's status or select property, whichever type it has.
mirror_write mirror_write_of(const notion_mirror_plan& plan, const notion::notion_page& page,
                             const mapping_rules& rules, const std::string& now,
                             const std::string& action);

// GitHub's values the Notion side now reflects: merged into written_to_github. A list GitHub
// holds is recorded as applied in full (nothing of it was dropped).
boost::json::object github_record_of(const notion_mirror_plan& plan);

// One conflict-log entry per conflict of the plan (page_links.conflict_log).
boost::json::array conflict_entries(const notion_mirror_plan& plan, const std::string& now,
                                    const std::string& issue_ref);

// A person's edits to the issue of a trashed page, recorded as GitHub's values so reconcile
// stops calling them drift. An open state is left out: the trash's close stays the record.
boost::json::object trashed_issue_record(const github::github_issue& issue);

// A trashed page's issue moved on GitHub. Nothing can be written to a trashed page, and closing
// the issue again would fight the person who reopened it, so a reopen stands and the link says
// why the sides differ (page_links.trash_reopened); an issue closed again lets the link agree.
struct trash_hold {
  bool open = false;    // the issue is open on GitHub
  bool flip = false;    // the link's trash_reopened changes (to `open`)
  std::string message;  // the link's error while the reopen stands
};
trash_hold hold_of_trashed(const github::github_issue& issue, bool trash_reopened,
                           const std::string& issue_ref);

// What the mirror leaves to a sync of the page: the Notion-owned fields GitHub changed (the
// title only when the plan did not take GitHub's), and whether Notion won a status conflict.
// Either restores the page's values on GitHub by a sync_page job with the hash forgotten.
struct restore_need {
  std::vector<std::string> fields;
  bool notion_won = false;
  bool any() const { return !fields.empty() || notion_won; }
};
restore_need restore_after_mirror(const notion_mirror_plan& plan, const github::github_issue& issue,
                                  const boost::json::object& written_to_github,
                                  const mapping_rules& rules);

}  // namespace ngsync::sync
