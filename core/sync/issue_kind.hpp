#pragma once
// What a create status makes on GitHub: an issue or a draft pull request. A header of its own so
// that the configuration (core/config) can name it without pulling in the rest of the sync.
#include <optional>
#include <string_view>

namespace ngsync::sync {

enum class issue_kind {
  issue,     // POST /repos/{o}/{r}/issues
  draft_pr,  // POST /repos/{o}/{r}/pulls with draft: true (needs head/base from the executor)
};

// The spelling in the configuration file and on a stored link ("issue", "draft_pr"), and back:
// nullopt for any other text. The one place each is spelled.
const char* to_string(issue_kind k) noexcept;
std::optional<issue_kind> issue_kind_from(std::string_view text) noexcept;

}  // namespace ngsync::sync
