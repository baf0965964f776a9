// Notion's text cap and the error budget derived from it: one constant, cut on code points.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "core/sync/notion_text.hpp"
#include "core/sync/sync_action.hpp"
#include "core/sync/utf8_text.hpp"

using namespace ngsync::sync;

namespace {

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// True when `text` ends on a whole UTF-8 sequence (no lead byte without all its continuations).
bool ends_on_code_point(std::string_view text) {
  std::size_t i = text.size();
  std::size_t continuation = 0;
  while (i > 0 && (static_cast<unsigned char>(text[i - 1]) & 0xC0) == 0x80) {
    --i;
    ++continuation;
  }
  if (i == 0) return continuation == 0;
  const auto lead = static_cast<unsigned char>(text[i - 1]);
  const std::size_t want = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
  return continuation == want;
}

}  // namespace

TEST_CASE("notion text: the error budget stays under Notion's 2000-character cap") {
  CHECK(notion_text_cap == 2000);
  CHECK(error_text_budget == 1900);
  CHECK(error_text_budget < notion_text_cap);
}

TEST_CASE("notion text: a long multi-byte error is cut on a code point, to the budget") {
  // "Ä" is two bytes, "€" three, "🙂" four: a byte cut at 1900 would split one of them.
  const auto message = "GitHub said: " + repeat("Ä€🙂", 1000);
  const auto shown = shown_error_text(message);
  CHECK(count_code_points(shown) == error_text_budget);
  CHECK(ends_on_code_point(shown));
  CHECK(message.starts_with(shown));
  CHECK_FALSE(ends_on_code_point(std::string_view(message).substr(0, 1900)));  // what substr did
}

TEST_CASE("notion text: a short error is shown whole") {
  CHECK(shown_error_text("issue acme/app#4 is gone from GitHub") ==
        "issue acme/app#4 is gone from GitHub");
  CHECK(shown_error_text("").empty());
}

TEST_CASE("notion text: the write-back JSON cuts any rich text to the cap on a code point") {
  write_back_properties names;
  names.sync_error = "Sync Error";
  write_back_action a;
  a.error_text = repeat("🙂", 2500);
  const auto props = notion_write_back_properties(a, names);
  const auto sent = std::string_view(
      props.at("Sync Error").at("rich_text").at(0).at("text").at("content").as_string());
  CHECK(count_code_points(sent) == notion_text_cap);
  CHECK(ends_on_code_point(sent));
}
