#pragma once
// The comments of a Notion page (GET /v1/comments?block_id=, paginated), for mirroring them to
// the linked issue. Only what mirroring needs: id, author, time and plain text.
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/ratelimit/api_caller.hpp"

namespace ngsync::notion {

struct page_comment {
  std::string id;
  std::string discussion_id;
  std::string created_time;
  std::string author_id;
  std::string text;  // rich_text plain_text joined
};

// Parses one list answer's `results`; entries without an id are skipped.
std::vector<page_comment> parse_page_comments(const boost::json::object& answer);

// Every comment on the page, oldest first. Throws api::api_exception (classified).
boost::asio::awaitable<std::vector<page_comment>> list_page_comments(ratelimit::api_caller& notion,
                                                                     std::string page_id,
                                                                     std::string sync_run_id);

}  // namespace ngsync::notion
