// Fuzzes the Notion block -> Markdown renderer with any JSON: block lists, list objects and
// rich-text arrays. The renderer promises to accept anything (odd values skipped, never fatal).
#include <cstddef>
#include <cstdint>

#include <boost/json/parse.hpp>

#include "core/notion/markdown_renderer.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(fuzz::as_text(data, size), ec);
  if (ec) return 0;
  (void)notion::render_markdown(value);
  (void)notion::render_rich_text(value);
  if (value.is_array()) (void)notion::render_markdown(value.get_array());
  if (const auto* o = value.if_object()) {
    // A single block's rich text, as the renderer reads it per block type.
    for (const auto& [key, inner] : *o) {
      if (const auto* io = inner.if_object()) {
        if (const auto* rt = io->if_contains("rich_text")) (void)notion::render_rich_text(*rt);
      }
    }
  }
  return 0;
}
