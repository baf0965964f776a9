#pragma once
// The GitHub -> Notion direction, pure: given a GitHub issue as it is now and what the daemon last
// wrote, decide what (if anything) to mirror into the Notion page. Echoes of the daemon's own
// writes are suppressed; by default Notion owns title, body and labels, and status is "newer wins".
#include <optional>
#include <string>
#include <vector>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"

namespace ngsync::sync {

// Both sides changed one field since the last sync; the rule picked a winner. Logged, and kept on
// the link (page_links.conflict_log) for the operator.
struct field_conflict {
  std::string field;   // status | title
  std::string winner;  // notion | github
  std::string rule;    // newer_wins | notion_owns | github_owns
  std::string notion_value;
  std::string github_value;
};

// Mirror settings that are not part of the Notion -> GitHub rules.
struct mirror_options {
  // Notion status set when GitHub reopens an issue; unset: the first create status.
  std::optional<std::string> reopen_status;
};

struct notion_mirror_plan {
  std::optional<std::string> set_status;  // status name for rules.status_property
  std::optional<std::string> set_title;   // only when rules give GitHub (or newer) the title
  // Only when the rules give GitHub (or the newer side) that field:
  std::optional<std::vector<std::string>> set_labels;     // multi_select option names
  std::optional<std::vector<std::string>> set_assignees;  // Notion user ids (people property)
  std::vector<std::string> unmapped_logins;  // GitHub assignees with no Notion user: skipped
  std::vector<std::string> notes;            // why nothing was done, for logs and `ngsync plan`
  std::vector<field_conflict> conflicts;
  // After applying, store these on the link as the last values seen from GitHub, so the next
  // Notion -> GitHub plan does not push them back (echo suppression the other way).
  std::optional<desired_state> new_last_written_state;
  std::optional<std::string> new_last_written_title;
  std::optional<std::vector<std::string>> new_last_written_labels;
  std::optional<std::vector<std::string>> new_last_written_assignees;  // GitHub logins

  bool empty() const { return !set_status && !set_title && !set_labels && !set_assignees; }
};

// `sender_is_daemon`: the event's sender is the daemon's own App bot or token user.
notion_mirror_plan plan_github_event(const github::github_issue& issue, const link_state& link,
                                     const notion::notion_page& page, const mapping_rules& rules,
                                     bool sender_is_daemon, const mirror_options& options = {});

}  // namespace ngsync::sync
