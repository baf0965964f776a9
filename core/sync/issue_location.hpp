#pragma once
// Where an issue lives, read from its html_url. A transferred issue (or one in a renamed
// repository) is answered by GitHub with a 301 that the HTTP client follows; the issue it returns
// then names its new repository and number, and the link must move with it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::api {
struct api_failure;
}

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

// Why GitHub no longer gives the issue at the address on the link.
enum class issue_gone_reason {
  missing,  // 404: deleted where the daemon cannot read it, or transferred out of its reach
  deleted,  // 410: deleted in a repository the daemon can read
  moved,    // a 301/302/307/308 the HTTP client could not follow (a followed one is moved_location)
};

// The one classifier of a gone issue: for a failed read of an issue, why it is gone; nullopt when
// the failure says nothing of the kind (a pause, a 5xx, a refusal), which the caller rethrows.
std::optional<issue_gone_reason> issue_gone(const api::api_failure& failure);

// "issue owner/repo#12 was deleted on GitHub", for the link's error and the logs.
std::string gone_message(std::string_view repo, std::int64_t number, issue_gone_reason reason,
                         unsigned status);

}  // namespace ngsync::sync
