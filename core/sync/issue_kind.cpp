#include "core/sync/issue_kind.hpp"

namespace ngsync::sync {

const char* to_string(issue_kind k) noexcept {
  return k == issue_kind::issue ? "issue" : "draft_pr";
}

std::optional<issue_kind> issue_kind_from(std::string_view text) noexcept {
  for (auto k : {issue_kind::issue, issue_kind::draft_pr}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace ngsync::sync
