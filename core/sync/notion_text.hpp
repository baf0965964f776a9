#pragma once
// Notion's cap on text the daemon writes into a page, in one place: the planner, the executor
// and the JSON it sends all cut with these, so what the page shows compares equal with the next
// cut of the same message (a difference would rewrite the page on every sync).
#include <cstddef>
#include <string_view>

#include "core/sync/utf8_text.hpp"

namespace ngsync::sync {

// Notion rejects a rich-text run whose text.content holds more than 2000 characters
// (notion-api.md, "Limits"). The last guard on every rich text the daemon sends.
inline constexpr std::size_t notion_text_cap = 2000;

// How much of an error message the page's sync-error property shows. 100 below the cap: Notion
// does not define its "characters" as code points (a JavaScript count sees an emoji as two), so
// a message cut on code points keeps a margin rather than meeting the cap exactly.
inline constexpr std::size_t error_text_budget = notion_text_cap - 100;

// `message` as the page shows it: at most error_text_budget code points, never cut inside one.
inline std::string_view shown_error_text(std::string_view message) noexcept {
  return cut_to_code_points(message, error_text_budget);
}

}  // namespace ngsync::sync
