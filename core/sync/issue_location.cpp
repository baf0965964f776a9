#include "core/sync/issue_location.hpp"

#include <cctype>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "core/api/api_failure.hpp"
#include "core/text/ascii.hpp"

namespace ngsync::sync {
namespace {}  // namespace

std::optional<issue_location> location_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::nullopt;
  auto path = url.substr(scheme + 3);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  path = path.substr(slash + 1);
  if (const auto q = path.find_first_of("?#"); q != std::string_view::npos)
    path = path.substr(0, q);
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const auto next = path.find('/');
    parts.push_back(path.substr(0, next));
    if (next == std::string_view::npos) break;
    path = path.substr(next + 1);
  }
  // The last owner/name/(issues|pull)/number run in the path (GitHub Enterprise may prefix it).
  for (std::size_t i = parts.size(); i >= 4; --i) {
    const auto kind = parts[i - 2];
    if (kind != "issues" && kind != "pull") continue;
    const auto owner = parts[i - 4];
    const auto name = parts[i - 3];
    const auto num = parts[i - 1];
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
    if (ec != std::errc() || end != num.data() + num.size() || n <= 0 || owner.empty() ||
        name.empty()) {
      return std::nullopt;
    }
    return issue_location{text::ascii_lower(owner) + "/" + text::ascii_lower(name), n};
  }
  return std::nullopt;
}

std::optional<issue_location> moved_location(std::string_view html_url, std::string_view repo,
                                             std::int64_t number) {
  auto at = location_of(html_url);
  if (!at) return std::nullopt;
  if (at->repo == text::ascii_lower(repo) && at->number == number) return std::nullopt;
  return at;
}

std::optional<issue_gone_reason> issue_gone(const api::api_failure& failure) {
  if (failure.kind != api::failure_kind::permanent) return std::nullopt;
  switch (failure.status) {
    case 404:
      return issue_gone_reason::missing;
    case 410:
      return issue_gone_reason::deleted;
    case 301:
    case 302:
    case 307:
    case 308:
      return issue_gone_reason::moved;
    default:
      return std::nullopt;
  }
}

std::string gone_message(std::string_view repo, std::int64_t number, issue_gone_reason reason,
                         unsigned status) {
  switch (reason) {
    case issue_gone_reason::deleted:
      return fmt::format("issue {}#{} was deleted on GitHub", repo, number);
    case issue_gone_reason::moved:
      return fmt::format(
          "issue {}#{} was moved or transferred on GitHub (HTTP {}) and the redirect could not "
          "be followed",
          repo, number, status);
    case issue_gone_reason::missing:
      break;
  }
  return fmt::format("issue {}#{} is gone from GitHub", repo, number);
}

}  // namespace ngsync::sync
