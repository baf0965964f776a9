#pragma once
// Where an issue lives, read from its html_url. A transferred issue (or one in a renamed
// repository) is answered by GitHub with a 301 that the HTTP client follows; the issue it returns
// then names its new repository and number, and the link must move with it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::sync {

struct issue_location {
  std::string repo;  // "owner/name", lower case
  std::int64_t number = 0;

  friend bool operator==(const issue_location&, const issue_location&) = default;
};

// "https://github.com/Owner/Repo/issues/12" (or /pull/12) -> {"owner/repo", 12}; nullopt when the
// URL has no such path.
std::optional<issue_location> location_of(std::string_view html_url);

// The issue's new location when it no longer lives at (repo, number); nullopt when it does (or its
// URL says nothing).
std::optional<issue_location> moved_location(std::string_view html_url, std::string_view repo,
                                             std::int64_t number);

}  // namespace ngsync::sync
