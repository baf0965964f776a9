#pragma once
// The actions a sync plan is made of: plain values, printable for `ngsync plan`, performed in order
// by the executor. Deciding them is pure (planner.hpp); performing them is the executor's job.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/synced_fields.hpp"

namespace ngsync::sync {

// POST the issue (or draft PR). The executor records the create intent first (sync-model §3).
struct create_issue_action {
  std::string repo;
  std::string title;
  std::string body;  // complete body, markers included
  std::vector<std::string> labels;
  std::vector<std::string> assignees;
  issue_kind kind = issue_kind::issue;
  // The page was created directly in a close status and rules ask to record it anyway:
  // close the new issue with this reason right after creating it.
  std::optional<close_reason> close_after_create;
};

// A create intent exists without a number: list the repo's issues created since the intent
// (state=all, since, paginated; not search, which lags) and look for the Notion-Page-ID marker.
// Found: adopt it (save number + url on the link) and plan again with that issue.
// Not found: perform `create_if_missing` when present (absent: the page no longer asks for an
// issue, e.g. it went back to Backlog; clear the intent).
struct find_issue_by_marker_action {
  std::string repo;
  std::string page_id;
  std::string since;  // ISO 8601 (the intent's time)
  std::optional<create_issue_action> create_if_missing;
};

// The plan needs the current issue (to merge the body or detect drift) and was not given it:
// GET it and call plan_page again. Only returned when needs_issue() was ignored.
struct fetch_issue_action {
  std::string repo;
  std::int64_t number = 0;
};

struct state_change {
  github::issue_state state = github::issue_state::open;
  std::string state_reason;  // "completed" / "not_planned" when closing, "reopened" when opening
  friend bool operator==(const state_change&, const state_change&) = default;
};

// PATCH only what changed; each absent field is left alone on GitHub. Labels and assignees
// replace the whole set. Closing and reopening are a state change here (one PATCH, not two).
struct update_issue_action {
  std::string repo;
  std::int64_t number = 0;
  bool is_pull_request = false;  // state/title/body of a PR go to /pulls/{n}
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::vector<std::string>> assignees;
  std::optional<state_change> state;

  bool empty() const { return !title && !body && !labels && !assignees && !state; }
};

// What the page's sync-status property shows. The text is the option's name in Notion
// ("Pending", "Success", "Error"; setup-notion creates them); sync_status_value_from gives nullopt
// for any other text (a status someone else set).
enum class sync_status_value { pending, success, error };
const char* to_string(sync_status_value v) noexcept;
std::optional<sync_status_value> sync_status_value_from(std::string_view text) noexcept;

// PATCH the page's write-back properties. Only properties configured in the rules and present on
// the page are set; the executor turns this into JSON with notion_write_back_properties().
struct write_back_action {
  // true: number and url come from the issue the preceding create/find action produced.
  bool use_created_issue = false;
  std::optional<std::int64_t> issue_number;
  std::optional<std::string> issue_url;
  std::optional<sync_status_value> status;
  std::optional<std::string> last_sync_at;  // ISO 8601
  std::optional<std::string> error_text;    // empty string clears the property
};

// A permanent error of this page (bad repository, no title, ...): no retry until the page
// changes. The message is also written to the page when a sync-error property exists.
struct mark_error_action {
  std::string message;
};

using sync_action =
    std::variant<create_issue_action, find_issue_by_marker_action, fetch_issue_action,
                 update_issue_action, write_back_action, mark_error_action>;

struct sync_plan {
  std::string sync_run_id;
  std::vector<sync_action> actions;   // in order; empty means nothing to do (0 API calls)
  std::vector<std::string> warnings;  // e.g. unmapped people; shown, logged, never fatal
  // What the page asks for, and its hash: store both on the link (hash, written_values_of) once
  // every action succeeded. Absent when the page has no issue and should not get one, or on error.
  std::optional<synced_fields> desired;
  std::string synced_hash;

  bool empty() const { return actions.empty(); }
};

// One line per action, e.g. `update owner/repo#12 title="New" state=closed:completed`.
std::string describe(const sync_action& action);
// The run id, each action on its own line, then warnings ("nothing to do" when empty).
std::string describe(const sync_plan& plan);

// The `properties` object of PATCH /v1/pages/{id} for a write-back. `created_number`/`created_url`
// fill in when use_created_issue is set.
boost::json::object notion_write_back_properties(const write_back_action& action,
                                                 const write_back_properties& names,
                                                 std::optional<std::int64_t> created_number = {},
                                                 std::optional<std::string> created_url = {});

}  // namespace ngsync::sync
