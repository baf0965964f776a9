#pragma once
// The content part of an issue body for a page: Notion's Markdown, read in the pinned
// markdown_version and converted to GitHub-flavored Markdown (core/notion/gfm_converter.hpp).
// What Notion left out (unknown_block_ids, a truncated page) is fetched through the same endpoint
// within a per-page call bound; what the bound stops is said in the body. Mentioned people become
// @login through the mapping's users map, else their name (looked up once, then cached); a
// mentioned page, a link with its title (likewise).
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/notion/notion_port.hpp"
#include "core/notion/page_model.hpp"

namespace ngsync::notion {

// Markdown calls per page beyond the first (following unknown_block_ids and truncation).
inline constexpr int max_markdown_follow_calls = 4;

boost::asio::awaitable<std::string> read_page_content(
    notion_port& notion_api, const notion_page& page,
    const std::map<std::string, std::string>& user_map);

}  // namespace ngsync::notion
