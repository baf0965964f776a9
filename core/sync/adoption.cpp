#include "core/sync/adoption.hpp"

#include <cctype>
#include <string>

#include "core/notion/notion_id.hpp"
#include "core/sync/issue_body.hpp"

namespace ngsync::sync {

bool written_by_daemon(std::string_view author_login, std::string_view own_login) {
  if (own_login.empty() || author_login.size() != own_login.size()) return false;
  for (std::size_t i = 0; i < own_login.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(author_login[i])) !=
        std::tolower(static_cast<unsigned char>(own_login[i])))
      return false;
  }
  return true;
}

marked_issue judge_marked_issue(std::string_view body, std::string_view author_login,
                                std::string_view page_id, std::string_view own_login) {
  const auto markers = parse_markers(body);
  if (!markers.page_id || notion::compact_id(*markers.page_id) != notion::compact_id(page_id))
    return marked_issue::other_page;
  return written_by_daemon(author_login, own_login) ? marked_issue::own : marked_issue::copy;
}

std::optional<std::string> page_of_own_issue(std::string_view body, std::string_view author_login,
                                             std::string_view own_login) {
  if (!written_by_daemon(author_login, own_login)) return std::nullopt;
  const auto markers = parse_markers(body);
  auto page = markers.page_id ? notion::dashed_id(*markers.page_id) : std::string();
  if (page.empty()) return std::nullopt;
  return page;
}

}  // namespace ngsync::sync
