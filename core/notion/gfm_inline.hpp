#pragma once
// Internal to the GFM converter: Notion's rich text (one block's text) -> GFM inline Markdown or,
// for a <summary> line where GitHub does not parse Markdown, inline HTML (gfm_inline.cpp). Also the
// small helpers it shares with the block converter: tag and attribute parsing, link
// stabilisation, escaping (gfm_syntax.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/notion/gfm_converter.hpp"

namespace ngsync::notion::gfm {

using attributes = std::vector<std::pair<std::string, std::string>>;

std::string attribute(const attributes& attrs, std::string_view name);

// A tag at the start of `text`: <name a="b">, </name> or <name a="b"/>.
struct tag {
  std::string name;  // lower case
  attributes attrs;
  bool closing = false;       // </name>
  bool self_closing = false;  // <name/>
  std::size_t length = 0;     // characters the tag spans in the text
};
std::optional<tag> parse_tag(std::string_view text);

// `a="b" c="d"` (the inside of a tag or of a {…} attribute list); nullopt unless all of it parses.
std::optional<attributes> parse_attributes(std::string_view text);

// Splits a trailing, unescaped attribute list ({color="blue" toggle="true"}) off a line.
struct attributed_line {
  std::string_view text;
  attributes attrs;
};
attributed_line split_attribute_list(std::string_view line);

// Text as inline HTML: <, >, &, " and Notion's '{' as character references.
std::string html_escape(std::string_view s);

// Escapes text taken from an attribute (a name, a title, a date) so it reads literally in GFM.
std::string escape_text(std::string_view text, bool html);

// The link GitHub gets for `url`: Notion-hosted files go through the page (their signed URL
// expires), everything else is kept.
std::string stable_link(std::string_view url, const gfm_options& options);

// The file name at the end of a URL's path ("" when none), for a hosted file's link text.
std::string file_name_of(std::string_view url);

// State shared across one conversion (what the caller must resolve, citation numbers).
struct inline_state {
  const gfm_options* options = nullptr;
  std::vector<std::string> unresolved_user_ids;
  std::vector<std::string> unresolved_page_ids;
  int citations = 0;
};

enum class inline_target { markdown, html, table_cell };

std::string convert_inline(std::string_view text, inline_state& state, inline_target target);

}  // namespace ngsync::notion::gfm
