#pragma once
// Page content as Markdown: blocks -> Markdown (GET /v1/pages/{id}/markdown) and Markdown ->
// blocks (the control API's set_content).
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::sandbox::notion {

struct markdown_rendering {
  std::string markdown;
  std::vector<std::string> unknown_block_ids;  // blocks with no Markdown form
};

markdown_rendering blocks_to_markdown(const std::vector<boost::json::object>& blocks);

// Block type payloads ({"type":"paragraph","paragraph":{...}}), without ids or timestamps.
std::vector<boost::json::object> markdown_to_blocks(const std::string& markdown);

}  // namespace ngsync::sandbox::notion
