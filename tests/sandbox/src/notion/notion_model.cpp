// Property schemas and values: how scenario and API input become what Notion stores, and the
// validation messages Notion gives for wrong input.
#include "tests/sandbox/src/notion/notion_model.hpp"

#include <cctype>
#include <cstdio>

namespace ngsync::sandbox::notion {

namespace {

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::serialize(v);
}

const char* kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
    default:
      return "number";
  }
}

[[noreturn]] void fail_shape(const std::string& path, const std::string& expected,
                             const json::value& got) {
  throw validation_error("body failed validation: body.properties." + path + " should be " +
                         expected + ", instead was `" + text_of(got) + "`.");
}

json::object make_option(const std::string& name, id_source& ids, const char* color = "default") {
  return json::object{
      {"id", ids.uuid()}, {"name", name}, {"color", color}, {"description", nullptr}};
}

// Finds (or for select/multi_select creates) the option named or identified by `ref`.
json::object resolve_option(json::object& schema_prop, const std::string& type,
                            const std::string& prop_name, const json::value& ref, bool lenient,
                            id_source& ids) {
  auto& config = schema_prop[type].as_object();
  auto& options = config["options"].is_array() ? config["options"].as_array()
                                               : (config["options"] = json::array{}).as_array();
  std::string name, id;
  if (ref.is_string() && lenient) {
    name = std::string(ref.as_string());
  } else if (ref.is_object()) {
    const auto& o = ref.as_object();
    if (auto* n = o.if_contains("name"); n && n->is_string()) name = std::string(n->as_string());
    if (auto* i = o.if_contains("id"); i && i->is_string()) id = std::string(i->as_string());
    if (name.empty() && id.empty())
      fail_shape(prop_name + "." + type + ".name", "defined", json::value(nullptr));
  } else {
    fail_shape(prop_name + "." + type, "an object", ref);
  }
  for (const auto& opt : options) {
    const auto& o = opt.as_object();
    if ((!id.empty() && o.at("id").as_string() == id) ||
        (id.empty() && o.at("name").as_string() == name)) {
      return json::object{{"id", o.at("id")}, {"name", o.at("name")}, {"color", o.at("color")}};
    }
  }
  if (type == "status") {
    if (!id.empty())
      throw validation_error("Invalid status option. Status option id \"" + id +
                             "\" does not exist.");
    throw validation_error("Invalid status option. Status option \"" + name +
                           "\" does not exist\".");
  }
  if (!id.empty())
    throw validation_error("Invalid select option id \"" + id + "\" for property " + prop_name +
                           ".");
  if (name.find(',') != std::string::npos)
    throw validation_error("Invalid select option, commas not allowed: " + name);
  auto opt = make_option(name, ids);
  options.push_back(opt);
  return json::object{{"id", opt.at("id")}, {"name", opt.at("name")}, {"color", opt.at("color")}};
}

json::array build_rich_text(const std::string& prop_name, const std::string& type,
                            const json::value& x, bool lenient) {
  if (lenient && x.is_string()) return json::array{rich_text_item(std::string(x.as_string()))};
  if (!x.is_array()) fail_shape(prop_name + "." + type, "an array", x);
  const auto& arr = x.as_array();
  if (arr.size() > 100)
    throw validation_error("body failed validation: body.properties." + prop_name + "." + type +
                           ".length should be ≤ `100`, instead was `" + std::to_string(arr.size()) +
                           "`.");
  json::array out;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto& item = arr[i];
    const std::string at = prop_name + "." + type + "[" + std::to_string(i) + "]";
    if (!item.is_object()) fail_shape(at, "an object", item);
    const auto* text = item.as_object().if_contains("text");
    if (!text || !text->is_object()) {
      // Mentions and equations are kept as given.
      if (item.as_object().contains("mention") || item.as_object().contains("equation")) {
        out.push_back(item);
        continue;
      }
      fail_shape(at + ".text", "defined", json::value(nullptr));
    }
    const auto* content = text->as_object().if_contains("content");
    if (!content || !content->is_string())
      fail_shape(at + ".text.content", "a string", content ? *content : json::value(nullptr));
    const auto len = content->as_string().size();
    if (len > 2000)
      throw validation_error("body failed validation: body.properties." + at +
                             ".text.content.length should be ≤ `2000`, instead was `" +
                             std::to_string(len) + "`.");
    json::value link = nullptr;
    if (auto* l = text->as_object().if_contains("link"); l && l->is_object()) link = *l;
    auto built = rich_text_item(std::string(content->as_string()), link);
    if (auto* a = item.as_object().if_contains("annotations"); a && a->is_object()) {
      for (const auto& [k, v] : a->as_object()) built["annotations"].as_object()[k] = v;
    }
    out.push_back(std::move(built));
  }
  return out;
}

json::array build_id_list(const std::string& prop_name, const std::string& type,
                          const json::value& x, bool lenient, bool users) {
  if (!x.is_array()) fail_shape(prop_name + "." + type, "an array", x);
  json::array out;
  for (const auto& item : x.as_array()) {
    std::string id;
    if (lenient && item.is_string()) id = std::string(item.as_string());
    if (item.is_object())
      if (auto* i = item.as_object().if_contains("id"); i && i->is_string())
        id = std::string(i->as_string());
    const auto norm = normalize_id(id);
    if (norm.empty()) fail_shape(prop_name + "." + type + "[].id", "a valid uuid", item);
    if (users) {
      out.push_back(json::object{{"object", "user"}, {"id", norm}});
    } else {
      out.push_back(json::object{{"id", norm}});
    }
  }
  if (out.size() > 100)
    throw validation_error("body failed validation: body.properties." + prop_name + "." + type +
                           ".length should be ≤ `100`, instead was `" + std::to_string(out.size()) +
                           "`.");
  return out;
}

}  // namespace

std::string id_source::uuid() {
  const auto a = random(), b = random();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", unsigned(a >> 32),
                unsigned((a >> 16) & 0xffff), unsigned(a & 0xfff),
                unsigned(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string id_source::short_id() {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  auto r = random();
  for (int i = 0; i < 4; ++i) {
    out += alphabet[r % 62];
    r /= 62;
  }
  return out;
}

std::string normalize_id(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 32) return {};
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string compact_id(const std::string& id) {
  std::string out;
  for (char c : id)
    if (c != '-') out += c;
  return out;
}

json::object rich_text_item(const std::string& content, json::value link) {
  json::value href = nullptr;
  if (link.is_object())
    if (auto* u = link.as_object().if_contains("url")) href = *u;
  return json::object{{"type", "text"},
                      {"text", json::object{{"content", content}, {"link", link}}},
                      {"annotations", json::object{{"bold", false},
                                                   {"italic", false},
                                                   {"strikethrough", false},
                                                   {"underline", false},
                                                   {"code", false},
                                                   {"color", "default"}}},
                      {"plain_text", content},
                      {"href", href}};
}

std::string plain_text(const json::value& rich_text_array) {
  std::string out;
  if (!rich_text_array.is_array()) return out;
  for (const auto& item : rich_text_array.as_array())
    if (item.is_object())
      if (auto* p = item.as_object().if_contains("plain_text"); p && p->is_string())
        out += p->as_string();
  return out;
}

bool is_read_only_type(const std::string& type) {
  return type == "formula" || type == "rollup" || type == "created_time" || type == "created_by" ||
         type == "last_edited_time" || type == "last_edited_by" || type == "unique_id" ||
         type == "button" || type == "verification";
}

json::object normalize_schema(const json::object& input, id_source& ids) {
  json::object out;
  for (const auto& [name, spec] : input) {
    json::object prop;
    std::string type;
    if (spec.is_string()) {
      type = std::string(spec.as_string());
    } else if (spec.is_object()) {
      prop = spec.as_object();
      if (auto* t = prop.if_contains("type"); t && t->is_string())
        type = std::string(t->as_string());
    }
    if (type.empty())
      throw std::invalid_argument("notion scenario: property " + std::string(name) +
                                  " has no type");
    if (!prop.contains("id")) prop["id"] = type == "title" ? std::string("title") : ids.short_id();
    prop["name"] = name;
    if (!prop.contains("description")) prop["description"] = nullptr;
    prop["type"] = type;
    if (!prop.contains(type) || !prop[type].is_object()) prop[type] = json::object{};
    auto& config = prop[type].as_object();
    if (type == "status" || type == "select" || type == "multi_select") {
      json::array options;
      const json::value* given = prop.if_contains("options");
      if (!given) given = config.if_contains("options");
      if (given && given->is_array()) {
        for (const auto& o : given->as_array()) {
          if (o.is_string()) {
            options.push_back(make_option(std::string(o.as_string()), ids));
          } else if (o.is_object()) {
            auto opt = o.as_object();
            if (!opt.contains("id")) opt["id"] = ids.uuid();
            if (!opt.contains("color")) opt["color"] = "default";
            if (!opt.contains("description")) opt["description"] = nullptr;
            options.push_back(std::move(opt));
          }
        }
      }
      config["options"] = options;
      if (type == "status" && !config.contains("groups")) {
        // Notion's three groups: first option to-do, last complete, the rest in progress.
        json::array todo, progress, complete;
        for (std::size_t i = 0; i < options.size(); ++i) {
          const auto& id = options[i].as_object().at("id");
          if (i == 0)
            todo.push_back(id);
          else if (i + 1 == options.size())
            complete.push_back(id);
          else
            progress.push_back(id);
        }
        config["groups"] = json::array{
            json::object{
                {"id", ids.uuid()}, {"name", "To-do"}, {"color", "gray"}, {"option_ids", todo}},
            json::object{{"id", ids.uuid()},
                         {"name", "In progress"},
                         {"color", "blue"},
                         {"option_ids", progress}},
            json::object{{"id", ids.uuid()},
                         {"name", "Complete"},
                         {"color", "green"},
                         {"option_ids", complete}}};
      }
    }
    prop.erase("options");
    out[name] = std::move(prop);
  }
  return out;
}

json::value empty_value(const json::object& schema_prop) {
  const std::string type(schema_prop.at("type").as_string());
  if (type == "title" || type == "rich_text" || type == "multi_select" || type == "people" ||
      type == "relation" || type == "files")
    return json::array{};
  if (type == "checkbox") return false;
  if (type == "formula") return json::object{{"type", "string"}, {"string", nullptr}};
  if (type == "rollup")
    return json::object{{"type", "array"}, {"array", json::array{}}, {"function", "show_original"}};
  return nullptr;
}

json::value build_value(json::object& schema_prop, const std::string& prop_name,
                        const json::value& input, bool lenient, id_source& ids) {
  const std::string type(schema_prop.at("type").as_string());
  const json::value* x = nullptr;
  if (input.is_object() && input.as_object().contains(type)) {
    x = &input.as_object().at(type);
  } else if (lenient && !input.is_object()) {
    x = &input;
  } else if (lenient && input.is_object() &&
             (type == "select" || type == "status" || type == "date")) {
    x = &input;  // {"name": ...} or {"start": ...} straight away
  } else {
    fail_shape(prop_name + "." + type, "defined", json::value(nullptr));
  }
  if (is_read_only_type(type))
    throw validation_error("body failed validation: " + prop_name + " is a read-only property (" +
                           type + ").");
  if (type == "title" || type == "rich_text") return build_rich_text(prop_name, type, *x, lenient);
  if (type == "number") {
    if (!x->is_number() && !x->is_null())
      fail_shape(prop_name + ".number", "a number or `null`", *x);
    return *x;
  }
  if (type == "checkbox") {
    if (!x->is_bool()) fail_shape(prop_name + ".checkbox", "a boolean", *x);
    return *x;
  }
  if (type == "url" || type == "email" || type == "phone_number") {
    if (!x->is_string() && !x->is_null())
      fail_shape(prop_name + "." + type, "a string or `null`", *x);
    if (x->is_string() && x->as_string().size() > 2000)
      throw validation_error("body failed validation: body.properties." + prop_name + "." + type +
                             ".length should be ≤ `2000`, instead was `" +
                             std::to_string(x->as_string().size()) + "`.");
    return *x;
  }
  if (type == "select" || type == "status") {
    if (x->is_null()) return nullptr;
    return resolve_option(schema_prop, type, prop_name, *x, lenient, ids);
  }
  if (type == "multi_select") {
    if (!x->is_array()) fail_shape(prop_name + ".multi_select", "an array", *x);
    json::array out;
    for (const auto& ref : x->as_array())
      out.push_back(resolve_option(schema_prop, type, prop_name, ref, lenient, ids));
    return out;
  }
  if (type == "people") return build_id_list(prop_name, type, *x, lenient, true);
  if (type == "relation") return build_id_list(prop_name, type, *x, lenient, false);
  if (type == "date") {
    if (x->is_null()) return nullptr;
    if (lenient && x->is_string()) {
      if (!parse_time(x->as_string()))
        fail_shape(prop_name + ".date.start", "an ISO 8601 date", *x);
      return json::object{{"start", *x}, {"end", nullptr}, {"time_zone", nullptr}};
    }
    if (!x->is_object()) fail_shape(prop_name + ".date", "an object or `null`", *x);
    const auto& o = x->as_object();
    const auto* start = o.if_contains("start");
    if (!start || !start->is_string() || !parse_time(start->as_string()))
      fail_shape(prop_name + ".date.start", "an ISO 8601 date string",
                 start ? *start : json::value(nullptr));
    json::value end = o.contains("end") ? o.at("end") : json::value(nullptr);
    json::value tz = o.contains("time_zone") ? o.at("time_zone") : json::value(nullptr);
    return json::object{{"start", *start}, {"end", end}, {"time_zone", tz}};
  }
  if (type == "files") {
    if (!x->is_array()) fail_shape(prop_name + ".files", "an array", *x);
    return *x;
  }
  throw validation_error(std::string("body failed validation: property type ") + type +
                         " cannot be set through the API (" + kind_of(*x) + ").");
}

}  // namespace ngsync::sandbox::notion
