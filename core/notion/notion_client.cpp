#include "core/notion/notion_client.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace ngsync::notion {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
const std::string api = "notion";

// Ids go into paths; refuse anything that is not an id so no path can be smuggled in.
std::string path_id(const std::string& id) {
  for (char c : id) {
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '-')) {
      api::throw_malformed(api, "build request", "not a Notion id: " + id.substr(0, 60));
    }
  }
  return id;
}
}  // namespace

net::awaitable<json::value> notion_client::call_json(ratelimit::api_request req,
                                                     std::string operation) {
  if (!req.body.empty()) req.headers.set("Content-Type", "application/json");
  req.sync_run_id = sync_run_id_;
  auto result = co_await caller_.call(std::move(req));
  api::ensure_ok(api, operation, result);
  json::error_code ec;
  auto v = json::parse(result.response->body, ec);
  if (ec || !v.is_object()) api::throw_malformed(api, operation, "the answer is not a JSON object");
  co_return v;
}

net::awaitable<std::vector<std::string>> notion_client::data_sources_of(std::string database_id) {
  ratelimit::api_request req;
  req.path = "/v1/databases/" + path_id(database_id);
  auto v = co_await call_json(std::move(req), "retrieve database");
  std::vector<std::string> ids;
  if (auto* ds = v.as_object().if_contains("data_sources"); ds && ds->is_array()) {
    for (const auto& d : ds->as_array()) {
      if (d.is_object()) {
        if (auto* id = d.as_object().if_contains("id"); id && id->is_string()) {
          ids.emplace_back(id->as_string().c_str());
        }
      }
    }
  }
  if (ids.empty()) {
    api::throw_malformed(api, "retrieve database", "the database lists no data sources");
  }
  co_return ids;
}

net::awaitable<query_page> notion_client::query_edited_since(std::string data_source_id,
                                                             std::optional<std::string> since_iso,
                                                             std::optional<std::string> cursor,
                                                             int page_size, bool in_trash) {
  json::object body;
  if (in_trash) body["in_trash"] = true;
  if (since_iso) {
    body["filter"] = {{"timestamp", "last_edited_time"},
                      {"last_edited_time", {{"on_or_after", *since_iso}}}};
  }
  body["sorts"] = json::array{{{"timestamp", "last_edited_time"}, {"direction", "ascending"}}};
  body["page_size"] = page_size;
  if (cursor) body["start_cursor"] = *cursor;
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.idempotent = true;  // a query changes nothing
  req.path = "/v1/data_sources/" + path_id(data_source_id) + "/query";
  req.body = json::serialize(body);
  auto v = co_await call_json(std::move(req), "query data source");
  auto parsed = parse_page_list(v);
  if (!parsed) api::throw_malformed(api, "query data source", parsed.error().message);
  query_page out;
  out.pages = std::move(parsed->pages);
  for (const auto& e : parsed->errors) out.unparsable.push_back(e.message);
  out.next_cursor = parsed->next_cursor;
  out.has_more = parsed->has_more;
  const auto& o = v.as_object();
  if (auto* rs = o.if_contains("request_status"); rs && rs->is_object()) {
    if (auto* t = rs->as_object().if_contains("type");
        t && t->is_string() && t->as_string() == "incomplete") {
      out.hit_result_cap = true;
    }
  }
  if (auto* results = o.if_contains("results"); results && results->is_array()) {
    for (auto& r : results->as_array()) out.raw.push_back(r);
  }
  co_return out;
}

net::awaitable<json::value> notion_client::get_page(std::string page_id) {
  ratelimit::api_request req;
  req.path = "/v1/pages/" + path_id(page_id);
  co_return co_await call_json(std::move(req), "retrieve page");
}

net::awaitable<page_markdown_part> notion_client::get_page_markdown_part(std::string id) {
  ratelimit::api_request req;
  req.path = "/v1/pages/" + path_id(id) +
             "/markdown?markdown_version=" + std::string(pinned_markdown_version);
  auto v = co_await call_json(std::move(req), "retrieve page markdown");
  std::string why;
  auto part = read_page_markdown_answer(v, &why);
  if (!part) api::throw_malformed(api, "retrieve page markdown", why);
  co_return std::move(*part);
}

net::awaitable<person_names> notion_client::get_person(std::string user_id) {
  ratelimit::api_request req;
  req.path = "/v1/users/" + path_id(user_id);
  auto v = co_await call_json(std::move(req), "retrieve user");
  person_names out;
  if (const auto* o = v.if_object()) {
    if (const auto* n = o->if_contains("name"); n && n->is_string()) out.name = n->as_string();
    if (const auto* p = o->if_contains("person"); p && p->is_object())
      if (const auto* e = p->as_object().if_contains("email"); e && e->is_string())
        out.email = e->as_string();
  }
  co_return out;
}

net::awaitable<std::vector<json::value>> notion_client::get_property_items(
    std::string page_id, std::string property_id) {
  std::vector<json::value> items;
  std::optional<std::string> cursor;
  // Property ids may hold characters such as '%' or ';': encode them as a path segment.
  const auto encoded = boost::urls::encode(property_id, boost::urls::unreserved_chars);
  for (int guard = 0; guard < 1000; ++guard) {
    ratelimit::api_request req;
    req.path = "/v1/pages/" + path_id(page_id) + "/properties/" + encoded + "?page_size=100";
    if (cursor)
      req.path += "&start_cursor=" + boost::urls::encode(*cursor, boost::urls::unreserved_chars);
    auto v = co_await call_json(std::move(req), "retrieve page property");
    const auto& o = v.as_object();
    if (auto* results = o.if_contains("results"); results && results->is_array()) {
      for (auto& r : results->as_array()) items.push_back(r);
    } else {
      items.push_back(v);  // a single property item (non-paginated types)
      break;
    }
    auto* more = o.if_contains("has_more");
    auto* next = o.if_contains("next_cursor");
    if (!more || !more->is_bool() || !more->as_bool() || !next || !next->is_string()) break;
    cursor = std::string(next->as_string().c_str());
  }
  co_return items;
}

net::awaitable<json::value> notion_client::update_page_properties(std::string page_id,
                                                                  json::object properties) {
  ratelimit::api_request req;
  req.method = http::verb::patch;
  req.idempotent = true;  // absolute values: replaying sets the same thing
  req.path = "/v1/pages/" + path_id(page_id);
  req.body = json::serialize(json::object{{"properties", std::move(properties)}});
  co_return co_await call_json(std::move(req), "update page");
}

net::awaitable<json::value> notion_client::get_data_source(std::string data_source_id) {
  ratelimit::api_request req;
  req.path = "/v1/data_sources/" + path_id(data_source_id);
  co_return co_await call_json(std::move(req), "retrieve data source");
}

net::awaitable<json::value> notion_client::update_data_source(std::string data_source_id,
                                                              json::object properties) {
  ratelimit::api_request req;
  req.method = http::verb::patch;
  req.idempotent = true;  // the same schema sent twice gives the same schema
  req.path = "/v1/data_sources/" + path_id(data_source_id);
  req.body = json::serialize(json::object{{"properties", std::move(properties)}});
  std::string operation = "update data source";  // named: no temporaries inside co_await (g++ 12)
  co_return co_await call_json(std::move(req), std::move(operation));
}

net::awaitable<std::vector<page_comment>> notion_client::list_comments(std::string page_id) {
  auto comments = co_await list_page_comments(caller_, std::move(page_id), sync_run_id_);
  co_return comments;
}

}  // namespace ngsync::notion
