#pragma once
// Markdown -> blocks (the control API's set_content). The other way, GET /v1/pages/{id}/markdown,
// is notion_markdown_render.hpp (Notion's own format).
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace ngsync::sandbox::notion {

// Block type payloads ({"type":"paragraph","paragraph":{...}}), without ids or timestamps.
std::vector<boost::json::object> markdown_to_blocks(const std::string& markdown);

}  // namespace ngsync::sandbox::notion
