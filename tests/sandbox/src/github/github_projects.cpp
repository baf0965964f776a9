// GitHub Projects (v2): the scenario's projects, field value rules and state rendering.
#include "tests/sandbox/src/github/github_projects.hpp"

#include <cstdio>
#include <stdexcept>

#include "tests/sandbox/src/github/github_render.hpp"

namespace ngsync::sandbox::github {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("github: projects: " + what);
}

std::string text_of(const json::object& o, const char* key, std::optional<std::string> fallback) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (fallback) return *fallback;
    bad(std::string(key) + " is required");
  }
  if (!v->is_string()) bad(std::string(key) + " must be a string");
  return std::string(v->as_string());
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return parse_iso8601(s + "T00:00:00Z").has_value();
}

}  // namespace

std::string short_hex_id(std::int64_t id) {
  // Scrambled so neighbouring options do not get neighbouring ids.
  auto v = static_cast<std::uint32_t>((static_cast<std::uint64_t>(id) * 2654435761ULL) >> 7);
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string gh_project_field::type_name() const {
  if (data_type == "SINGLE_SELECT") return "ProjectV2SingleSelectField";
  if (data_type == "ITERATION") return "ProjectV2IterationField";
  return "ProjectV2Field";
}

gh_project_field* gh_project::field_by_node_id(const std::string& id) {
  for (auto& f : fields)
    if (f.node_id == id) return &f;
  return nullptr;
}

gh_project_field* gh_project::field_by_name(const std::string& name) {
  for (auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

gh_project_item* gh_project::item_by_node_id(const std::string& id) {
  for (auto& i : items)
    if (i.node_id == id) return &i;
  return nullptr;
}

gh_project_item* gh_project::item_by_content(const std::string& content_node_id) {
  for (auto& i : items)
    if (i.content_node_id == content_node_id) return &i;
  return nullptr;
}

gh_project parse_project(const json::object& spec, const id_source& ids) {
  gh_project p;
  for (const auto& [k, v] : spec) {
    const std::string key(k);
    if (key != "org" && key != "user" && key != "number" && key != "title" && key != "closed" &&
        key != "fields" && key != "items")
      bad("unknown key " + key);
  }
  if (spec.contains("org") == spec.contains("user")) bad("give exactly one of org or user");
  p.owner_is_org = spec.contains("org");
  p.owner = text_of(spec, p.owner_is_org ? "org" : "user", std::nullopt);
  const json::value* number = spec.if_contains("number");
  if (!number || !number->is_int64()) bad("number is required");
  p.number = static_cast<int>(number->as_int64());
  p.title = text_of(spec, "title", "Project " + std::to_string(p.number));
  if (const json::value* c = spec.if_contains("closed"); c && c->is_bool()) p.closed = c->as_bool();
  p.id = ids();
  p.node_id = node_id("PVT", p.id);

  // Every project has a Title field, first, as on GitHub.
  gh_project_field title;
  title.id = ids();
  title.node_id = node_id("PVTF", title.id);
  title.name = "Title";
  title.data_type = "TITLE";
  p.fields.push_back(title);
  if (const json::value* fs = spec.if_contains("fields"); fs && fs->is_array()) {
    for (const auto& fv : fs->as_array()) {
      if (!fv.is_object()) bad("fields[] must be objects");
      const json::object& fo = fv.as_object();
      gh_project_field f;
      f.id = ids();
      f.name = text_of(fo, "name", std::nullopt);
      std::string type = text_of(fo, "type", std::nullopt);
      for (auto& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (type != "TEXT" && type != "NUMBER" && type != "DATE" && type != "SINGLE_SELECT" &&
          type != "ITERATION")
        bad("field " + f.name + ": unknown type " + type);
      f.data_type = type;
      f.node_id = node_id(type == "SINGLE_SELECT" ? "PVTSSF"
                          : type == "ITERATION"   ? "PVTIF"
                                                  : "PVTF",
                          f.id);
      if (const json::value* os = fo.if_contains("options"); os && os->is_array())
        for (const auto& ov : os->as_array()) {
          gh_project_option o;
          o.id = short_hex_id(ids());
          if (ov.is_string()) {
            o.name = std::string(ov.as_string());
          } else if (ov.is_object()) {
            o.name = text_of(ov.as_object(), "name", std::nullopt);
            o.color = text_of(ov.as_object(), "color", o.color);
            o.description = text_of(ov.as_object(), "description", std::string());
          } else {
            bad("options[] must be names or objects");
          }
          f.options.push_back(o);
        }
      if (const json::value* is = fo.if_contains("iterations"); is && is->is_array())
        for (const auto& iv : is->as_array()) {
          if (!iv.is_object()) bad("iterations[] must be objects");
          gh_project_iteration it;
          it.id = short_hex_id(ids());
          it.title = text_of(iv.as_object(), "title", std::nullopt);
          it.start_date = text_of(iv.as_object(), "start_date", std::nullopt);
          if (!is_date(it.start_date)) bad("iteration start_date must be YYYY-MM-DD");
          if (const json::value* d = iv.as_object().if_contains("duration"); d && d->is_int64())
            it.duration = static_cast<int>(d->as_int64());
          f.iterations.push_back(it);
        }
      p.fields.push_back(std::move(f));
    }
  }
  return p;
}

std::optional<std::string> set_project_value(gh_project_item& item, const gh_project_field& field,
                                             const json::object& value) {
  if (value.size() != 1)
    return std::string(
        "Exactly one of text, number, date, singleSelectOptionId or iterationId "
        "must be given");
  const auto& [key, v] = *value.begin();
  const std::string k(key);
  gh_project_value out;
  if (field.data_type == "TITLE")
    return std::string("The field of type title is currently not supported");
  if (k == "singleSelectOptionId") {
    if (field.data_type != "SINGLE_SELECT" || !v.is_string())
      return std::string("The single select option Id does not belong to the field");
    bool known = false;
    for (const auto& o : field.options) known = known || o.id == v.as_string();
    if (!known) return std::string("The single select option Id does not belong to the field");
    out.option_id = std::string(v.as_string());
  } else if (k == "iterationId") {
    if (field.data_type != "ITERATION" || !v.is_string())
      return std::string("The iteration Id does not belong to the field");
    bool known = false;
    for (const auto& i : field.iterations) known = known || i.id == v.as_string();
    if (!known) return std::string("The iteration Id does not belong to the field");
    out.iteration_id = std::string(v.as_string());
  } else if (k == "number") {
    if (field.data_type != "NUMBER" || !v.is_number())
      return std::string("Did not receive a number value to update a field of type number");
    out.number = v.to_number<double>();
  } else if (k == "date") {
    if (field.data_type != "DATE" || !v.is_string())
      return std::string("Did not receive a date value to update a field of type date");
    std::string d(v.as_string());
    if (d.size() > 10) d = d.substr(0, 10);  // GitHub accepts a timestamp and keeps the day
    if (!is_date(d))
      return std::string("Did not receive a date value to update a field of type date");
    out.date = d;
  } else if (k == "text") {
    if (field.data_type != "TEXT" || !v.is_string())
      return std::string("Did not receive a text value to update a field of type text");
    out.text = std::string(v.as_string());
  } else {
    return "InputObject 'ProjectV2FieldValue' doesn't accept argument '" + k + "'";
  }
  item.values[field.node_id] = std::move(out);
  return std::nullopt;
}

json::value describe_value(const gh_project_field& field, const gh_project_value& value) {
  if (value.option_id) {
    for (const auto& o : field.options)
      if (o.id == *value.option_id) return json::object{{"option_id", o.id}, {"name", o.name}};
    return json::object{{"option_id", *value.option_id}, {"name", nullptr}};
  }
  if (value.iteration_id) {
    for (const auto& i : field.iterations)
      if (i.id == *value.iteration_id)
        return json::object{{"iteration_id", i.id}, {"title", i.title}};
    return json::object{{"iteration_id", *value.iteration_id}, {"title", nullptr}};
  }
  if (value.number) return *value.number;
  if (value.date) return json::string(*value.date);
  if (value.text) return json::string(*value.text);
  return nullptr;
}

}  // namespace ngsync::sandbox::github
