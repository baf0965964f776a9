#pragma once
// Notion blocks -> GitHub-flavoured Markdown, for the page content in the issue body. Input is the
// `results` of GET /v1/blocks/{id}/children, with each block's own children attached by the caller
// under a "children" key (an array of blocks). Any JSON is accepted: odd values are skipped, never
// fatal, and unknown block types leave a visible-in-source placeholder comment.
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace ngsync::notion {

// Nesting deeper than this is cut (a guard against hostile or cyclic input, not a Notion limit).
inline constexpr int max_block_depth = 24;

// Markdown for a list of blocks. No trailing blank line.
std::string render_markdown(const boost::json::array& blocks);

// Same, for a block-children list object ({"results": [...]}) or a bare array; anything else
// renders as empty.
std::string render_markdown(const boost::json::value& blocks_or_list);

// Markdown for one rich-text array (bold, italic, strikethrough, code, links; Markdown
// punctuation in plain text escaped).
std::string render_rich_text(const boost::json::value& rich_text);

}  // namespace ngsync::notion
