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

// Trims whitespace, accepts a pasted "https://WEB_HOST/owner/repo" (or with .git, or without the
// scheme), and lower-cases (GitHub names are case-insensitive, and the link table must not see two
// spellings as two repos). `web_host` is where the configured GitHub serves its web pages:
// "github.com", or the host (and port) of a GitHub Enterprise Server (github::web_host()); a URL
// on any other host is refused, since that repository is not on the GitHub being synced.
// Rejects anything else with a message fit for the page's error property.
input_result<repo_name> parse_repo_name(std::string_view text,
                                        std::string_view web_host = "github.com");

}  // namespace ngsync::sync
