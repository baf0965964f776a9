#include "core/notion/page_model.hpp"

#include <boost/json.hpp>

namespace ngsync::notion {
namespace json = boost::json;
namespace {

std::string string_or_empty(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

const json::object* object_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

// Plain text of a rich-text array: `plain_text` of each run, else `text.content`.
std::string plain_text_of(const json::array& runs) {
  std::string out;
  for (const auto& run : runs) {
    const auto* r = run.if_object();
    if (!r) continue;
    if (auto* p = r->if_contains("plain_text"); p && p->is_string()) {
      out.append(p->get_string());
    } else if (const auto* t = object_at(*r, "text")) {
      out.append(string_or_empty(*t, "content"));
    }
  }
  return out;
}

notion_user user_of(const json::object& u) {
  notion_user user;
  user.id = string_or_empty(u, "id");
  user.name = string_or_empty(u, "name");
  if (const auto* person = object_at(u, "person")) user.email = string_or_empty(*person, "email");
  return user;
}

property_type type_from_name(std::string_view t) {
  if (t == "title") return property_type::title;
  if (t == "rich_text") return property_type::rich_text;
  if (t == "number") return property_type::number;
  if (t == "select") return property_type::select;
  if (t == "status") return property_type::status;
  if (t == "multi_select") return property_type::multi_select;
  if (t == "people") return property_type::people;
  if (t == "url") return property_type::url;
  if (t == "date") return property_type::date;
  if (t == "checkbox") return property_type::checkbox;
  if (t == "relation") return property_type::relation;
  return property_type::other;
}

// A value of an unexpected JSON shape reads as empty: the planner reports the missing value with
// the property's name, which is more useful than failing the whole page here.
property_value parse_property(const json::object& o) {
  property_value p;
  p.id = string_or_empty(o, "id");
  p.type_name = string_or_empty(o, "type");
  p.type = type_from_name(p.type_name);
  const json::value* v = o.if_contains(p.type_name);
  const json::value null_value;
  if (!v) v = &null_value;

  switch (p.type) {
    case property_type::title:
    case property_type::rich_text:
      if (auto* a = v->if_array()) p.text = plain_text_of(*a);
      p.is_empty = p.text.empty();
      break;
    case property_type::number:
      if (v->is_number()) p.number = v->to_number<double>();
      p.is_empty = !p.number;
      break;
    case property_type::select:
    case property_type::status:
      if (auto* s = v->if_object()) p.text = string_or_empty(*s, "name");
      p.is_empty = p.text.empty();
      break;
    case property_type::multi_select:
      if (auto* a = v->if_array()) {
        for (const auto& opt : *a) {
          if (auto* s = opt.if_object()) p.names.push_back(string_or_empty(*s, "name"));
        }
      }
      p.is_empty = p.names.empty();
      break;
    case property_type::people:
      if (auto* a = v->if_array()) {
        for (const auto& u : *a) {
          if (auto* uo = u.if_object()) p.people.push_back(user_of(*uo));
        }
      }
      p.truncated = p.people.size() >= page_object_list_cap;
      p.is_empty = p.people.empty();
      break;
    case property_type::relation:
      if (auto* a = v->if_array()) {
        for (const auto& r : *a) {
          if (auto* ro = r.if_object()) p.relation_ids.push_back(string_or_empty(*ro, "id"));
        }
      }
      if (auto* hm = o.if_contains("has_more"); hm && hm->is_bool()) p.truncated = hm->get_bool();
      p.truncated = p.truncated || p.relation_ids.size() > page_object_list_cap;
      p.is_empty = p.relation_ids.empty();
      break;
    case property_type::url:
      if (v->is_string()) p.text = std::string(v->get_string());
      p.is_empty = p.text.empty();
      break;
    case property_type::date:
      if (auto* d = v->if_object()) {
        date_value dv;
        dv.start = string_or_empty(*d, "start");
        if (auto* e = d->if_contains("end"); e && e->is_string())
          dv.end = std::string(e->get_string());
        if (auto* z = d->if_contains("time_zone"); z && z->is_string()) {
          dv.time_zone = std::string(z->get_string());
        }
        if (!dv.start.empty()) p.date = std::move(dv);
      }
      p.is_empty = !p.date;
      break;
    case property_type::checkbox:
      p.checkbox = v->is_bool() && v->get_bool();
      break;
    case property_type::other:
      break;
  }
  return p;
}

}  // namespace

const property_value* notion_page::find(std::string_view name) const {
  auto it = properties.find(name);
  return it == properties.end() ? nullptr : &it->second;
}

api::parse_result<notion_page> parse_page(const json::value& value) {
  const auto* o = value.if_object();
  if (!o) return api::parse_error{"page: not a JSON object"};
  if (auto obj = string_or_empty(*o, "object"); !obj.empty() && obj != "page") {
    return api::parse_error{"page: object is \"" + obj + "\", expected \"page\""};
  }
  notion_page page;
  page.id = string_or_empty(*o, "id");
  if (page.id.empty()) return api::parse_error{"page: missing string \"id\""};
  page.last_edited_time = string_or_empty(*o, "last_edited_time");
  if (page.last_edited_time.empty()) {
    return api::parse_error{"page " + page.id + ": missing string \"last_edited_time\""};
  }
  page.created_time = string_or_empty(*o, "created_time");
  page.url = string_or_empty(*o, "url");
  // 2026-03-11 says in_trash; 2025-09-03 and older say archived. Either one true means trashed.
  for (auto key : {"in_trash", "archived"}) {
    if (auto* t = o->if_contains(key); t && t->is_bool() && t->get_bool()) page.in_trash = true;
  }
  if (const auto* parent = object_at(*o, "parent")) {
    page.parent_data_source_id = string_or_empty(*parent, "data_source_id");
    page.parent_database_id = string_or_empty(*parent, "database_id");
  }
  const auto* props = object_at(*o, "properties");
  if (!props) return api::parse_error{"page " + page.id + ": missing object \"properties\""};
  for (const auto& [name, prop] : *props) {
    if (const auto* po = prop.if_object())
      page.properties.emplace(std::string(name), parse_property(*po));
  }
  return page;
}

api::parse_result<page_list> parse_page_list(const json::value& value) {
  const auto* o = value.if_object();
  if (!o) return api::parse_error{"page list: not a JSON object"};
  const auto* results = array_at(*o, "results");
  if (!results) return api::parse_error{"page list: missing array \"results\""};
  page_list list;
  for (const auto& item : *results) {
    // Query results may hold data sources too (type page_or_data_source): not pages, skip them.
    if (auto* io = item.if_object();
        io && string_or_empty(*io, "object") != "page" && !string_or_empty(*io, "object").empty()) {
      continue;
    }
    auto page = parse_page(item);
    if (page)
      list.pages.push_back(std::move(*page));
    else
      list.errors.push_back(page.error());
  }
  if (auto* hm = o->if_contains("has_more"); hm && hm->is_bool()) list.has_more = hm->get_bool();
  if (auto c = string_or_empty(*o, "next_cursor"); !c.empty()) list.next_cursor = std::move(c);
  return list;
}

std::vector<notion_user> people_of_property_items(const std::vector<json::value>& items) {
  std::vector<notion_user> people;
  for (const auto& item : items) {
    const auto* o = item.if_object();
    if (const auto* person = o ? object_at(*o, "people") : nullptr)
      people.push_back(user_of(*person));
  }
  return people;
}

}  // namespace ngsync::notion
