#pragma once
// The GitHub issue title derived from a Notion title: trimmed, one line, at most 256 code points
// (GitHub's limit; a longer title would make the whole create or update fail with 422).
#include <cstddef>
#include <string>
#include <string_view>

namespace ngsync::sync {

inline constexpr std::size_t max_title_code_points = 256;

// Empty when the Notion title is empty or only whitespace (the planner turns that into an error).
std::string issue_title_from(std::string_view notion_title);

}  // namespace ngsync::sync
