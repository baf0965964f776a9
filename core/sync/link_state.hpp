#pragma once
// What the link table knows about one page's issue, as the planner reads it: where the issue is,
// the hash of the fields last applied, whether a create is in flight with an unknown outcome, and
// the value last written to GitHub for each field (for echo suppression and "newer wins").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sync/synced_fields.hpp"

namespace ngsync::sync {

// Where the link stands (page_links.sync_status): no sync has completed since the link was made
// or its issue adopted, the last sync completed, or the last sync ended in an error the page
// shows. Spelled "pending", "in_sync", "error" in storage; link_status_from gives nullopt for any
// other text.
enum class link_status { pending, in_sync, error };
const char* to_string(link_status s) noexcept;
std::optional<link_status> link_status_from(std::string_view text) noexcept;

// The per-field values the daemon last wrote to GitHub (its provenance record). The body is kept
// as its content revision, not its text.
struct last_written_values {
  std::string title;
  std::string body_revision;  // content_revision() of the body last written
  std::vector<std::string> labels;
  std::vector<std::string> assignees;
  desired_state state = desired_state::open;
  std::string written_at;  // ISO 8601 time of that write
  // Set only when GitHub's answer showed other names than the write sent: GitHub drops labels and
  // assignees without an error when the token lacks push access (github-api.md). What the issue
  // held right after the write; comparisons with GitHub use it (labels_on_github), while the
  // sent lists above say what Notion asked for, so an unchanged page does not ask again.
  std::optional<std::vector<std::string>> labels_applied;
  std::optional<std::vector<std::string>> assignees_applied;

  friend bool operator==(const last_written_values&, const last_written_values&) = default;
};

// The values a successful plan wrote (what the executor stores after applying it).
last_written_values written_values_of(const synced_fields& fields, std::string written_at);

// What GitHub's answer to a create or update showed for the name lists that write sent (unset:
// the write did not send that list).
struct github_applied_names {
  std::optional<std::vector<std::string>> labels;
  std::optional<std::vector<std::string>> assignees;
};

// As above, plus what GitHub applied of the lists the write sent. Recording only the request
// would make every later comparison (reconcile, GitHub events) see drift and write the same
// dropped names again, forever.
last_written_values written_values_of(const synced_fields& fields, std::string written_at,
                                      const github_applied_names& applied);

// The names the issue held after the daemon's last write (the sent list unless GitHub dropped
// some).
const std::vector<std::string>& labels_on_github(const last_written_values& w);
const std::vector<std::string>& assignees_on_github(const last_written_values& w);

// The names the last write sent that GitHub did not apply, each as "label X" or "assignee Y",
// compared as GitHub compares names (case-insensitively). Empty when all were applied.
std::vector<std::string> dropped_by_github(const last_written_values& w);

// What the page says while GitHub holds fewer names than the page asks for (its Error text), or
// nothing when it holds them all.
std::optional<std::string> dropped_names_message(const last_written_values& w,
                                                 const std::string& repo);

struct link_state {
  std::string repo;                          // "owner/repo" the issue lives in, lower case
  std::optional<std::int64_t> issue_number;  // absent until the create is confirmed
  std::string issue_url;                     // html_url from GitHub (never built by hand)
  bool is_pull_request = false;
  std::string synced_hash;  // hash_synced_fields() of the last applied plan
  // An intent to create was recorded but no number saved: the earlier POST may or may not have
  // happened. The planner then looks for the marker before creating.
  bool create_intent = false;
  std::string create_intent_at;  // ISO 8601; `since` for the list endpoint
  std::optional<last_written_values> last_written;
};

}  // namespace ngsync::sync
