#pragma once
// Drift: GitHub no longer shows what the daemon last wrote there. The one rule that the page
// sync (is GitHub's side changed, for "newer wins"), the GitHub event mirror (which Notion-owned
// fields to restore) and reconcile (is this issue in order) all ask. Pure: values in, values out.
#include <optional>
#include <string>
#include <vector>

#include "core/github/issue_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"

namespace ngsync::sync {

// Which synced fields of the issue differ from the daemon's record of its last write.
struct field_drift {
  bool title = false;      // compared exactly (GitHub keeps a title as written)
  bool body = false;       // the managed section's revision marker, not the text around it
  bool labels = false;     // as name sets: order, case and duplicates do not count
  bool assignees = false;  // likewise
  bool state = false;      // open versus closed; another close reason is not drift

  bool any() const { return title || body || labels || assignees || state; }
  friend bool operator==(const field_drift&, const field_drift&) = default;
};

// The state GitHub shows, in the sync's words (a close without a reason reads as completed).
desired_state state_on_github(const github::github_issue& issue);

// `issue` as GitHub shows it now against `written`, the record of the daemon's last write. An
// echo of that write (GitHub shows exactly it) is no drift. A record without a body revision
// says nothing about the body, so the body does not drift against it.
field_drift drift_of(const github::github_issue& issue, const last_written_values& written);

// Without a record (an adopted issue not synced yet) nothing can have drifted: the next sync
// compares every field with the issue anyway.
field_drift drift_of(const github::github_issue& issue,
                     const std::optional<last_written_values>& written);

// Reconcile's question: is this linked issue out of order? `trash_reopened` is the link's typed
// state for a trashed page whose issue a person reopened: a known difference in state, so only
// the other fields count then.
bool reconcile_finds_drift(const github::github_issue& issue,
                           const std::optional<last_written_values>& written, bool trash_reopened);

// The drifted fields the rules give to Notion and sync at all ("title", "labels", "assignees",
// "body", in that order): the ones a sync of the page writes back over GitHub's change.
// The state is not among them: status is mirrored into Notion or decided by the event planner.
std::vector<std::string> notion_fields_to_restore(const field_drift& drift,
                                                  const mapping_rules& rules);

}  // namespace ngsync::sync
