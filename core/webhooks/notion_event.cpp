#include "core/webhooks/notion_event.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "core/notion/notion_id.hpp"

namespace ngsync::webhooks {
namespace json = boost::json;

namespace {
std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

}  // namespace

std::optional<std::string> verification_token_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  if (o.contains("type")) return std::nullopt;  // an event, not the verification request
  auto token = text_at(o, "verification_token");
  if (token.empty()) return std::nullopt;
  return token;
}

api::parse_result<notion_event> parse_notion_event(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return api::parse_error{"webhook body is not JSON: " + ec.message()};
  const auto* o = v.if_object();
  if (!o) return api::parse_error{"webhook body is not an object"};
  notion_event e;
  e.id = text_at(*o, "id");
  e.type = text_at(*o, "type");
  if (e.type.empty()) return api::parse_error{"webhook event without 'type'"};
  if (const auto* entity = o->if_contains("entity"); entity && entity->is_object()) {
    e.entity_id = text_at(entity->as_object(), "id");
    e.entity_type = text_at(entity->as_object(), "type");
  }
  if (const auto* data = o->if_contains("data"); data && data->is_object()) {
    if (const auto* parent = data->as_object().if_contains("parent");
        parent && parent->is_object()) {
      e.parent_id = text_at(parent->as_object(), "id");
      e.parent_type = text_at(parent->as_object(), "type");
    }
  }
  if (const auto* authors = o->if_contains("authors"); authors && authors->is_array()) {
    for (const auto& a : authors->as_array()) {
      if (!a.is_object()) continue;
      e.authors.push_back({text_at(a.as_object(), "id"), text_at(a.as_object(), "type")});
    }
  }
  return e;
}

bool is_page_event(const notion_event& e) {
  return e.type.rfind("page.", 0) == 0 && e.entity_type == "page" && !e.entity_id.empty();
}

bool authored_only_by(const notion_event& e, std::string_view bot_id) {
  if (bot_id.empty() || e.authors.empty()) return false;
  for (const auto& a : e.authors) {
    if (a.type != "bot" || !notion::same_id(a.id, bot_id)) return false;
  }
  return true;
}

}  // namespace ngsync::webhooks
