#include "core/notion/page_comments.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/api/api_failure.hpp"

namespace ngsync::notion {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
std::string text_of(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}
}  // namespace

std::vector<page_comment> parse_page_comments(const json::object& answer) {
  std::vector<page_comment> out;
  auto* results = answer.if_contains("results");
  if (!results || !results->is_array()) return out;
  for (const auto& r : results->as_array()) {
    const auto* o = r.if_object();
    if (!o) continue;
    page_comment c;
    c.id = text_of(*o, "id");
    if (c.id.empty()) continue;
    c.discussion_id = text_of(*o, "discussion_id");
    c.created_time = text_of(*o, "created_time");
    if (auto* by = o->if_contains("created_by"); by && by->is_object())
      c.author_id = text_of(by->as_object(), "id");
    if (auto* rt = o->if_contains("rich_text"); rt && rt->is_array()) {
      for (const auto& part : rt->as_array()) {
        if (const auto* po = part.if_object()) c.text += text_of(*po, "plain_text");
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

net::awaitable<std::vector<page_comment>> list_page_comments(ratelimit::api_caller& notion,
                                                             std::string page_id,
                                                             std::string sync_run_id) {
  std::vector<page_comment> all;
  std::string cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    ratelimit::api_request req;
    req.path = "/v1/comments?page_size=100&block_id=" +
               boost::urls::encode(page_id, boost::urls::unreserved_chars);
    if (!cursor.empty())
      req.path += "&start_cursor=" + boost::urls::encode(cursor, boost::urls::unreserved_chars);
    req.sync_run_id = sync_run_id;
    auto result = co_await notion.call(std::move(req));
    api::ensure_ok("notion", "list comments", result);
    json::error_code ec;
    auto v = json::parse(result.response->body, ec);
    if (ec || !v.is_object()) api::throw_malformed("notion", "list comments", "not a JSON object");
    auto page = parse_page_comments(v.as_object());
    for (auto& c : page) all.push_back(std::move(c));
    const auto& o = v.as_object();
    auto* more = o.if_contains("has_more");
    cursor = text_of(o, "next_cursor");
    if (!more || !more->is_bool() || !more->as_bool() || cursor.empty()) break;
  }
  co_return all;
}

}  // namespace ngsync::notion
