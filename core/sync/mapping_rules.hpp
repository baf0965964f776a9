#pragma once
// Everything the planner needs to know about one mapping (one Notion data source -> GitHub): which
// page properties carry what, which statuses create, close or keep an issue open, and who owns each
// field in the two-way sync. The config loader fills it; the planner only reads it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sync/issue_kind.hpp"

namespace ngsync::sync {

// GitHub's state_reason for closing.
enum class close_reason { completed, not_planned };

// Who decides a field when Notion and GitHub disagree.
enum class field_owner {
  notion,      // Notion's value is pushed to GitHub; GitHub edits are overwritten
  github,      // set from Notion at creation only; later GitHub changes stand
  newer_wins,  // whichever side changed since the last sync wins; both changed: the newer edit
};

// The type of the "sync status" write-back property (both accept {"name": ...}).
enum class sync_status_property_type { select, status };

struct close_status {
  std::string status;   // Notion status name, e.g. "Complete"
  close_reason reason;  // e.g. completed; "Won't do" -> not_planned
};

// Page properties the daemon writes back. Each is optional: an unset one is never written.
struct write_back_properties {
  std::optional<std::string> issue_number;  // number property: the issue number
  std::optional<std::string> issue_url;     // url property: the issue's html_url
  std::optional<std::string> sync_status;   // select/status property: Pending, Success or Error
  sync_status_property_type sync_status_type = sync_status_property_type::select;
  std::optional<std::string> last_sync_at;  // date property: time of the last successful sync
  std::optional<std::string> sync_error;    // rich_text property: last error, empty on success

  bool any() const {
    return issue_number || issue_url || sync_status || last_sync_at || sync_error;
  }
};

struct field_ownership {
  field_owner title = field_owner::notion;
  field_owner body = field_owner::notion;
  field_owner labels = field_owner::notion;
  field_owner assignees = field_owner::notion;
  field_owner status = field_owner::newer_wins;
};

struct mapping_rules {
  std::string name;  // the mapping's name in the config, for messages and logs

  // --- Page properties read (by name as shown in Notion) ---
  std::string title_property = "Name";                    // the title property
  std::optional<std::string> status_property = "Status";  // status or select; unset: every page
                                                          // counts as a create status
  std::optional<std::string> labels_property;             // multi_select -> issue labels
  std::optional<std::string> assignees_property;          // people -> issue assignees
  // Per-page repository (`org/repo` in a text, select or url-less property such as
  // "GitHub Repository"); when set and non-empty on a page it overrides fixed_repository.
  std::optional<std::string> repository_property;
  // The web host of the configured GitHub (github::web_host of github.base_url): a pasted
  // https://HOST/owner/repo in the repository property is accepted only on this host.
  std::string github_web_host = "github.com";

  // --- Target ---
  std::optional<std::string> fixed_repository;  // "org/repo"; needed unless every page names one
  issue_kind create_kind = issue_kind::issue;

  // --- Status rules (names compared trimmed and case-insensitively) ---
  std::vector<std::string> create_statuses;  // e.g. {"Ready for Dev"}: create the issue
  std::vector<close_status>
      close_statuses;  // e.g. {"Complete", completed}, {"Won't do", not_planned}
  // Every other status is "active": it keeps an existing issue open (reopens a closed one) but
  // does not create one (so "Backlog" pages stay off GitHub until they reach a create status).
  // A page created directly in a close status: false (default) leaves it off GitHub; true creates
  // the issue and closes it at once, so the record exists on GitHub.
  bool create_when_first_seen_closed = false;
  bool close_on_trash = true;  // a trashed page closes its issue as not_planned

  // --- Content ---
  bool sync_body = true;  // false: the managed section holds only the link and markers

  // --- People ---
  // Notion user id (or e-mail, tried second) -> GitHub login. Unmapped people are skipped with a
  // warning, never an error for the whole page.
  std::map<std::string, std::string> user_map;

  field_ownership ownership;
  write_back_properties write_back;
};

}  // namespace ngsync::sync
