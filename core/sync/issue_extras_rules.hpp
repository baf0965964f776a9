#pragma once
// The rules of what follows a linked issue besides its own fields (issue #8): the status snapshot
// comment, the mirrored Notion comments, which GitHub comment is the daemon's, the project fields
// a page asks for, the milestone, and when an id the sync holds is stale. Pure functions of
// values; daemon/engine/issue_extras_sync carries them out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/config/config.hpp"
#include "core/github/github_port.hpp"
#include "core/github/project_board.hpp"
#include "core/notion/page_model.hpp"

namespace ngsync::sync {

// True when the mapping asks for any extra: a project board, a milestone, mirrored comments or
// the status snapshot comment.
bool extras_wanted(const config::mapping& m);

// The markers that make a comment the daemon's: one per mirrored Notion comment, and the
// snapshot's.
std::string notion_comment_marker(const std::string& notion_comment_id);
inline constexpr const char* snapshot_marker = "<!-- ngsync:status-snapshot -->";

// A property's value for the snapshot: null when empty, number, bool, date start, a list of
// names for multi-select and people (a person without a name by id), else its text.
boost::json::value property_json(const notion::property_value& p);

// The snapshot's JSON: the page id and the value of every property the sync reads, each once.
boost::json::object status_snapshot(const notion::notion_page& page, const config::mapping& m);

// The snapshot comment as written, and the hash the sync keeps of it: a comment whose hash is
// stored is not written again.
struct snapshot_comment {
  std::string body;
  std::string hash;  // sha256 hex of `body`
};
snapshot_comment snapshot_comment_of(const notion::notion_page& page, const config::mapping& m);

// A Notion comment as mirrored to GitHub: its text, with any marker in it neutralised (it must
// not pass for another comment or the snapshot), then its own marker.
std::string mirrored_comment_body(const std::string& text, const std::string& notion_comment_id);

// The daemon's comment carrying `marker`: the first comment with it that the daemon wrote
// (`own_login`). A record lost after a crash is found again this way.
std::optional<std::int64_t> own_comment_with(const std::vector<github::comment>& comments,
                                             const std::string& marker,
                                             const std::string& own_login);

// An id the sync held is no longer known: a GraphQL NOT_FOUND or a REST 404, or an option or
// iteration id that changed ("... does not belong to the field"). The board is read again, a
// deleted snapshot comment posted anew.
bool is_not_found(const api::api_failure& f);

// One project field of a page's item, in the order of the mapping's fields: an error for the
// page, or a write (set to `value`, or clear for nullopt).
struct project_field_step {
  std::string field;
  std::optional<std::string> value;
  std::string error;  // non-empty: no write, the page shows this
};
struct project_field_plan {
  std::vector<project_field_step> steps;
  std::vector<std::string> skipped;  // fields already written so, or empty on a new item
  boost::json::object written;       // what was written before, plus the skipped empty ones
};
// `written`: the values last written to the item's fields by name (null for cleared), empty for a
// new item.
project_field_plan plan_project_fields(const notion::notion_page& page,
                                       const config::project_settings& s,
                                       const boost::json::object& written);
// What the item holds once the named writes of `plan` succeeded.
boost::json::object written_after(const project_field_plan& plan,
                                  const std::vector<std::string>& succeeded_fields);

// One write on the board as it was read: the field and its input (none: clear it), or why it
// cannot be made ("the project has no field '…'", an unknown option, ...). A write that cannot be
// made is tried again once after reading the board again: the field or option may be new.
struct project_field_write {
  const github::project_field* field = nullptr;
  std::optional<github::field_value_input> input;
  std::string error;
};
project_field_write field_write_on(const github::project_board& board, const std::string& field,
                                   const std::optional<std::string>& value);
// The page's error when a write still failed after the board was read again.
std::string unset_project_field_error(const std::string& field);

// The milestone the page asks for: its title ("" for none) or an error for the page.
struct milestone_wish {
  std::string title;
  std::string error;
};
milestone_wish milestone_of(const notion::notion_page& page, const config::mapping& m);
std::string missing_milestone_error(const std::string& title, const std::string& repo);

// Errors for the page, joined as the page shows them ("; ").
std::string join_errors(const std::vector<std::string>& errors);

}  // namespace ngsync::sync
