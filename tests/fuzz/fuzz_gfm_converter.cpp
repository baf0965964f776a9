// Fuzzes the Notion-flavored Markdown -> GFM converter with any text. Properties: no crash, the
// same input converts to the same body, and nothing of Notion's syntax reaches the output (no tab
// indentation, no ::: fence, no {color=…} attribute list, no Notion tag; code is literal).
// The first byte picks the dialect (v1/v2) and whether a followed subtree is supplied.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <map>
#include <string>

#include "core/notion/gfm_converter.hpp"
#include "core/notion/page_markdown.hpp"
#include "tests/core/support/gfm_leaks.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view text = fuzz::as_text(data + 1, size - 1);

  notion::gfm_options options;
  options.version = (flags & 1) ? notion::markdown_version::v2 : notion::markdown_version::v1;
  options.page_url = "https://www.notion.so/p-0123456789abcdef0123456789abcdef";
  options.github_login = [](std::string_view id) -> std::optional<std::string> {
    if (!id.empty() && id[0] == 'a') return "octocat";
    return std::nullopt;
  };
  options.person_name = [](std::string_view id) -> std::optional<std::string> {
    if (!id.empty() && id[0] == 'b') return std::string("Name {color=\"red\"} <span>\t::: x");
    return std::nullopt;
  };

  const auto first = notion::to_github_markdown(text, options);
  const auto leak = test::notion_syntax_leak(first.markdown);
  if (!leak.empty()) std::fprintf(stderr, "%s\n", leak.c_str());
  fuzz::require(leak.empty(), "Notion syntax reached the GFM output");
  fuzz::require(notion::to_github_markdown(text, options).markdown == first.markdown,
                "the same input converted differently");

  if (flags & 2) {
    // The same text as the page and as a followed subtree of an id it may mention.
    notion::page_markdown page;
    page.page.markdown = std::string(text);
    page.page.truncated = (flags & 4) != 0;
    page.page.unknown_block_ids = {"5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", "ffff"};
    page.followed["5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"] = {std::string(text), false, {"ffff"}};
    const auto body = notion::page_markdown_to_github(page, options);
    fuzz::require(test::notion_syntax_leak(body.markdown).empty(),
                  "Notion syntax reached the assembled page body");
  }
  return 0;
}
