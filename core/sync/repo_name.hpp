#pragma once
// Validation of `owner/repo` names as users type them into Notion or the config.
#include <string>
#include <string_view>

#include "core/sync/input_error.hpp"

namespace ngsync::sync {

struct repo_name {
  std::string owner;
  std::string repo;
  std::string full() const { return owner + "/" + repo; }
  friend bool operator==(const repo_name&, const repo_name&) = default;
};

// Trims whitespace, accepts a pasted "https://github.com/owner/repo" (or with .git), and
// lower-cases (GitHub names are case-insensitive, and the link table must not see two spellings as
// two repos). Rejects anything else with a message fit for the page's error property.
input_result<repo_name> parse_repo_name(std::string_view text);

}  // namespace ngsync::sync
