// Filters compare page timestamps at minute precision (what Notion stores), which is why a poll
// with `after` on the last seen minute misses edits made later in that minute.
#include "tests/sandbox/src/notion/notion_query.hpp"

#include <algorithm>

namespace ngsync::sandbox::notion {

namespace {

[[noreturn]] void bad_filter(const std::string& what) {
  throw validation_error("body failed validation: body.filter " + what);
}

const json::value& value_of(const notion_page& page, const json::object& prop) {
  static const json::value null_value;
  auto it = page.values.find(std::string(prop.at("id").as_string()));
  return it == page.values.end() ? null_value : it->second;
}

bool is_empty_value(const json::value& v) {
  return v.is_null() || (v.is_array() && v.as_array().empty()) ||
         (v.is_string() && v.as_string().empty());
}

time_point need_time(const json::value& v, const std::string& where) {
  if (!v.is_string()) bad_filter(where + " should be an ISO 8601 date string");
  auto t = parse_time(v.as_string());
  if (!t)
    bad_filter(where + " should be an ISO 8601 date string, instead was `" +
               std::string(v.as_string()) + "`");
  return *t;
}

bool compare_time(std::optional<time_point> have, const json::object& cond,
                  const std::string& where) {
  if (cond.size() != 1) bad_filter(where + " should have exactly one condition");
  const auto& [op, arg] = *cond.begin();
  if (op == "is_empty") return !have;
  if (op == "is_not_empty") return have.has_value();
  const auto want = need_time(arg, where + "." + std::string(op));
  if (!have) return false;
  if (op == "equals") return *have == want;
  if (op == "before") return *have < want;
  if (op == "after") return *have > want;
  if (op == "on_or_before") return *have <= want;
  if (op == "on_or_after") return *have >= want;
  bad_filter(where + "." + std::string(op) + " is not a supported condition");
}

std::string name_of(const json::value& option) {
  if (option.is_object())
    if (auto* n = option.as_object().if_contains("name"); n && n->is_string())
      return std::string(n->as_string());
  return {};
}

bool match_text(const std::string& have, bool empty, const std::string& op, const json::value& arg,
                const std::string& where) {
  if (op == "is_empty") return empty;
  if (op == "is_not_empty") return !empty;
  if (!arg.is_string()) bad_filter(where + "." + op + " should be a string");
  const std::string want(arg.as_string());
  if (op == "equals") return have == want;
  if (op == "does_not_equal") return have != want;
  if (op == "contains") return have.find(want) != std::string::npos;
  if (op == "does_not_contain") return have.find(want) == std::string::npos;
  if (op == "starts_with") return have.rfind(want, 0) == 0;
  if (op == "ends_with")
    return have.size() >= want.size() &&
           have.compare(have.size() - want.size(), want.size(), want) == 0;
  bad_filter(where + "." + op + " is not a supported condition");
}

bool match_property(const json::object& filter, const notion_page& page,
                    const notion_data_source& ds) {
  const auto& key = filter.at("property");
  if (!key.is_string()) bad_filter("property should be a string");
  const auto* prop = find_property(ds, std::string(key.as_string()));
  if (!prop)
    throw validation_error("Could not find property with name or id: " +
                           std::string(key.as_string()));
  const std::string type(prop->at("type").as_string());
  // The condition sits under the type name (rich_text also applies to titles).
  const json::value* cond = filter.if_contains(type);
  std::string ftype = type;
  if (!cond && type == "title") cond = filter.if_contains("rich_text"), ftype = "rich_text";
  if (!cond || !cond->is_object() || cond->as_object().size() != 1)
    bad_filter("." + ftype + " should be defined for property " + std::string(key.as_string()));
  const auto& [op_sv, arg] = *cond->as_object().begin();
  const std::string op(op_sv);
  const std::string where = ftype;
  const auto& v = value_of(page, *prop);
  if (type == "status" || type == "select") {
    if (op == "is_empty") return v.is_null();
    if (op == "is_not_empty") return !v.is_null();
    if (!arg.is_string()) bad_filter(where + "." + op + " should be a string");
    if (op == "equals") return name_of(v) == arg.as_string();
    if (op == "does_not_equal") return name_of(v) != arg.as_string();
  } else if (type == "multi_select" || type == "people" || type == "relation") {
    if (op == "is_empty") return is_empty_value(v);
    if (op == "is_not_empty") return !is_empty_value(v);
    if (!arg.is_string()) bad_filter(where + "." + op + " should be a string");
    bool found = false;
    if (v.is_array())
      for (const auto& item : v.as_array()) {
        const auto& o = item.as_object();
        if (type == "multi_select" ? name_of(item) == arg.as_string()
                                   : o.at("id").as_string() == arg.as_string())
          found = true;
      }
    if (op == "contains") return found;
    if (op == "does_not_contain") return !found;
  } else if (type == "checkbox") {
    if (!arg.is_bool()) bad_filter(where + "." + op + " should be a boolean");
    const bool have = v.is_bool() && v.as_bool();
    if (op == "equals") return have == arg.as_bool();
    if (op == "does_not_equal") return have != arg.as_bool();
  } else if (type == "title" || type == "rich_text") {
    const auto text = plain_text(v);
    return match_text(text, text.empty(), op, arg, where);
  } else if (type == "url" || type == "email" || type == "phone_number") {
    const std::string text = v.is_string() ? std::string(v.as_string()) : std::string();
    return match_text(text, v.is_null() || text.empty(), op, arg, where);
  } else if (type == "number") {
    if (op == "is_empty") return v.is_null();
    if (op == "is_not_empty") return !v.is_null();
    if (!arg.is_number()) bad_filter(where + "." + op + " should be a number");
    if (v.is_null()) return false;
    const double have = v.to_number<double>(), want = arg.to_number<double>();
    if (op == "equals") return have == want;
    if (op == "does_not_equal") return have != want;
    if (op == "greater_than") return have > want;
    if (op == "less_than") return have < want;
    if (op == "greater_than_or_equal_to") return have >= want;
    if (op == "less_than_or_equal_to") return have <= want;
  } else if (type == "date") {
    std::optional<time_point> have;
    if (v.is_object() && v.as_object().at("start").is_string())
      have = parse_time(v.as_object().at("start").as_string());
    return compare_time(have, cond->as_object(), where);
  } else {
    bad_filter("on a " + type + " property is not supported by the sandbox");
  }
  bad_filter(where + "." + op + " is not a supported condition");
}

// A sort key: numbers sort numerically, everything else by its text; empty values go last.
struct sort_key {
  bool empty = true;
  double number = 0;
  std::string text;
};

sort_key key_of(const notion_page& page, const json::object& prop) {
  const std::string type(prop.at("type").as_string());
  const auto& v = value_of(page, prop);
  sort_key k;
  if (is_empty_value(v)) return k;
  k.empty = false;
  if (type == "number")
    k.number = v.to_number<double>();
  else if (type == "checkbox")
    k.number = v.as_bool() ? 1 : 0;
  else if (type == "title" || type == "rich_text")
    k.text = plain_text(v);
  else if (type == "select" || type == "status")
    k.text = name_of(v);
  else if (type == "date")
    k.text = std::string(v.as_object().at("start").as_string());
  else if (v.is_string())
    k.text = std::string(v.as_string());
  else
    k.text = json::serialize(v);
  return k;
}

}  // namespace

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

const json::object* find_property(const notion_data_source& ds, const std::string& key,
                                  std::string* name_out) {
  if (auto* p = ds.properties.if_contains(key)) {
    if (name_out) *name_out = key;
    return &p->as_object();
  }
  const auto decoded = percent_decode(key);
  for (const auto& [name, p] : ds.properties) {
    const std::string id(p.as_object().at("id").as_string());
    if (id == key || id == decoded || percent_decode(id) == decoded) {
      if (name_out) *name_out = name;
      return &p.as_object();
    }
  }
  return nullptr;
}

bool page_matches(const json::value& filter, const notion_page& page,
                  const notion_data_source& ds) {
  if (filter.is_null()) return true;
  if (!filter.is_object()) bad_filter("should be an object");
  const auto& f = filter.as_object();
  if (auto* a = f.if_contains("and")) {
    if (!a->is_array()) bad_filter("and should be an array");
    for (const auto& sub : a->as_array())
      if (!page_matches(sub, page, ds)) return false;
    return true;
  }
  if (auto* o = f.if_contains("or")) {
    if (!o->is_array()) bad_filter("or should be an array");
    for (const auto& sub : o->as_array())
      if (page_matches(sub, page, ds)) return true;
    return false;
  }
  if (auto* ts = f.if_contains("timestamp")) {
    if (!ts->is_string() ||
        (ts->as_string() != "last_edited_time" && ts->as_string() != "created_time"))
      bad_filter("timestamp should be `created_time` or `last_edited_time`");
    const std::string which(ts->as_string());
    const auto* cond = f.if_contains(which);
    if (!cond || !cond->is_object()) bad_filter("." + which + " should be defined");
    const auto t = which == "created_time" ? page.created_time : page.last_edited_time;
    return compare_time(floor_minute(t), cond->as_object(), which);
  }
  if (f.contains("property")) return match_property(f, page, ds);
  bad_filter("should be a timestamp, property, `and` or `or` filter");
}

void sort_pages(std::vector<const notion_page*>& pages, const json::value& sorts,
                const notion_data_source& ds) {
  struct criterion {
    bool timestamp_created = false, timestamp_edited = false, descending = false;
    const json::object* prop = nullptr;
  };
  std::vector<criterion> cs;
  if (!sorts.is_null()) {
    if (!sorts.is_array())
      throw validation_error("body failed validation: body.sorts should be an array");
    for (const auto& s : sorts.as_array()) {
      if (!s.is_object())
        throw validation_error("body failed validation: body.sorts[] should be an object");
      const auto& o = s.as_object();
      criterion c;
      if (auto* d = o.if_contains("direction"); d && d->is_string())
        c.descending = d->as_string() == "descending";
      if (auto* ts = o.if_contains("timestamp"); ts && ts->is_string()) {
        c.timestamp_created = ts->as_string() == "created_time";
        c.timestamp_edited = ts->as_string() == "last_edited_time";
        if (!c.timestamp_created && !c.timestamp_edited)
          throw validation_error(
              "body failed validation: body.sorts[].timestamp should be `created_time` or "
              "`last_edited_time`");
      } else if (auto* p = o.if_contains("property"); p && p->is_string()) {
        c.prop = find_property(ds, std::string(p->as_string()));
        if (!c.prop)
          throw validation_error("Could not find sort property with name or id: " +
                                 std::string(p->as_string()));
      } else {
        throw validation_error(
            "body failed validation: body.sorts[] should have a timestamp or property");
      }
      cs.push_back(c);
    }
  }
  std::stable_sort(pages.begin(), pages.end(), [&](const notion_page* a, const notion_page* b) {
    for (const auto& c : cs) {
      int cmp = 0;
      if (c.timestamp_created || c.timestamp_edited) {
        const auto ta = floor_minute(c.timestamp_created ? a->created_time : a->last_edited_time);
        const auto tb = floor_minute(c.timestamp_created ? b->created_time : b->last_edited_time);
        cmp = ta < tb ? -1 : (tb < ta ? 1 : 0);
      } else {
        const auto ka = key_of(*a, *c.prop), kb = key_of(*b, *c.prop);
        if (ka.empty != kb.empty) return kb.empty;  // empty values last either way
        if (ka.number != kb.number)
          cmp = ka.number < kb.number ? -1 : 1;
        else
          cmp = ka.text.compare(kb.text) < 0 ? -1 : (ka.text == kb.text ? 0 : 1);
      }
      if (cmp != 0) return c.descending ? cmp > 0 : cmp < 0;
    }
    return a->seq < b->seq;
  });
}

}  // namespace ngsync::sandbox::notion
