#pragma once
// GET /v1/pages/{id}/markdown as Notion renders it: typed blocks -> Notion-flavored Markdown, per
// markdown_version, built from Notion's "Enhanced markdown format" reference and its v2 migration
// guide (never from ngsync's converter). Rich-text annotations, colours, mentions, callouts,
// toggles, tables, columns, media are written in Notion's syntax; block types the emulator chooses
// not to render (synced blocks, and anything it does not know) become <unknown …/> with their ids
// in unknown_block_ids, and a page longer than the record limit is cut (truncated) with the ids of
// what was left out listed, so a client can pass them back to the same endpoint.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::sandbox::notion {

enum class markdown_dialect { v1, v2 };

struct markdown_rendering {
  std::string markdown;
  bool truncated = false;
  std::vector<std::string> unknown_block_ids;  // dashed ids, in page order
};

struct markdown_render_input {
  std::string page_id;  // for the URLs of <unknown> tags and of mentions
  markdown_dialect dialect = markdown_dialect::v1;
  // Blocks rendered at most; beyond it the answer is truncated.
  std::size_t record_limit = 1000;
  // A block's children (nullptr or empty when it has none).
  std::function<const std::vector<boost::json::object>*(const std::string& block_id)> children;
};

markdown_rendering render_page_markdown(const std::vector<boost::json::object>& blocks,
                                        const markdown_render_input& input);

// One rich-text array in Notion's inline syntax (annotations, links, mentions, equations).
std::string render_notion_rich_text(const boost::json::value& rich_text);

}  // namespace ngsync::sandbox::notion
