#pragma once
// The canonical set of values that decide a GitHub issue, and their stable hash. A page whose
// hash equals the one stored on its link needs no GitHub call; the daemon's own write-back
// properties are not part of it, so writing them back never triggers another sync.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sync/mapping_rules.hpp"

namespace ngsync::sync {

// What the page says the issue's state should be.
enum class desired_state { open, closed_completed, closed_not_planned };

struct synced_fields {
  std::string repo;  // "owner/repo", lower case
  issue_kind kind = issue_kind::issue;
  std::string title;  // already cut to 256 code points; may be empty for a linked
                      // page whose title was cleared (the issue keeps its title)
  std::string page_id;
  std::string page_url;
  bool sync_body = true;
  std::string body_markdown;           // rendered page content; empty when sync_body is false
  std::vector<std::string> labels;     // sorted, unique (case-insensitive; hashed case-folded)
  std::vector<std::string> assignees;  // GitHub logins, sorted, unique (case-insensitive)
  desired_state state = desired_state::open;

  friend bool operator==(const synced_fields&, const synced_fields&) = default;
};

// SHA-256 (lower-case hex) of a versioned, length-prefixed serialization of every field above.
std::string hash_synced_fields(const synced_fields& fields);

// The Last-Notion-Revision marker value: the first 16 hex digits of the content's SHA-256. A
// hash, not a timestamp, so an unchanged page renders a byte-identical managed section.
std::string content_revision(std::string_view content_markdown);

// Sorted, de-duplicated (first spelling kept, compared case-insensitively), blanks dropped.
std::vector<std::string> canonical_name_set(std::vector<std::string> names);

// Case-insensitive equality of two name sets (GitHub labels and logins ignore case).
bool same_name_set(std::vector<std::string> a, std::vector<std::string> b);

// The stored text of each value ("open", "closed:completed", ...), and back: nullopt for any
// other text. The one place each is spelled (issue_kind's: core/sync/issue_kind.hpp).
const char* to_string(desired_state s) noexcept;
std::optional<desired_state> desired_state_from(std::string_view text) noexcept;
const char* to_string(close_reason r) noexcept;

}  // namespace ngsync::sync
