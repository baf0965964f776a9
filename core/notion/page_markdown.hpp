#pragma once
// The answer of GET /v1/pages/{id}/markdown ({object:"page_markdown", markdown, truncated,
// unknown_block_ids}) and what the engine does with it: which ids are still worth a call, and the
// issue body once it has followed what it could. Notion leaves blocks out (listed in
// unknown_block_ids, shown as <unknown …/>) and cuts large pages (truncated); the ids it lists can be
// passed back to the same endpoint as the page id. Pure: the engine makes the calls.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/notion/gfm_converter.hpp"

namespace ngsync::notion {

struct page_markdown_part {
  std::string markdown;
  bool truncated = false;
  std::vector<std::string> unknown_block_ids;
};

// nullopt (with a reason in *error) unless the text is a page_markdown object.
std::optional<page_markdown_part> parse_page_markdown_answer(std::string_view json_text,
                                                             std::string* error = nullptr);
// The same, for an answer already parsed as JSON.
std::optional<page_markdown_part> read_page_markdown_answer(const boost::json::value& answer,
                                                            std::string* error = nullptr);

// A page's answer and the subtrees fetched for its unknown ids (keyed by normalized id; a
// subtree's own unknown ids may be followed too).
struct page_markdown {
  page_markdown_part page;
  std::map<std::string, page_markdown_part> followed;
};

// Unknown ids (of the page and of the parts already followed) not yet fetched, in order.
std::vector<std::string> block_ids_to_follow(const page_markdown& content);

struct page_body {
  std::string markdown;
  std::vector<std::string> unresolved_user_ids;
  std::vector<std::string> unresolved_page_ids;  // mentioned pages shown without their title
  // Ids Notion left out that were not followed (the call bound stopped it); the body says so.
  std::vector<std::string> missing_block_ids;
  bool cut_short = false;  // truncated and not completed: the body says so
};

// The issue body: the page converted with every followed subtree in place, plus a visible line
// for what Notion left out and was not followed.
page_body page_markdown_to_github(const page_markdown& content, const gfm_options& options);

}  // namespace ngsync::notion
