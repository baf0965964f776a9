#include "tests/sandbox/src/notion/notion_schema_patch.hpp"

#include <set>

namespace ngsync::sandbox::notion {
namespace {

const std::set<std::string>& property_types() {
  static const std::set<std::string> types{"title",
                                           "rich_text",
                                           "number",
                                           "select",
                                           "multi_select",
                                           "status",
                                           "date",
                                           "people",
                                           "files",
                                           "checkbox",
                                           "url",
                                           "email",
                                           "phone_number",
                                           "formula",
                                           "relation",
                                           "rollup",
                                           "created_time",
                                           "created_by",
                                           "last_edited_time",
                                           "last_edited_by",
                                           "unique_id",
                                           "button",
                                           "place",
                                           "verification"};
  return types;
}

std::string path_of(const std::string& key) {
  return "body.properties." + key;
}

// The one type key of a property update ({"number": {}} -> "number"); empty when none.
std::string type_key_of(const std::string& key, const json::object& update) {
  std::string type;
  for (const auto& [k, v] : update) {
    if (!property_types().count(std::string(k))) continue;
    if (!type.empty())
      throw validation_error("body failed validation: " + path_of(key) +
                             " should have only one property type, instead had `" + type +
                             "` and `" + std::string(k) + "`.");
    if (!v.is_object())
      throw validation_error("body failed validation: " + path_of(key) + "." + std::string(k) +
                             " should be an object, instead was `" + json::serialize(v) + "`.");
    type = std::string(k);
  }
  return type;
}

// The option list after an update: options named (or identified) in `given` keep their id and,
// unless given, their color; everything not in `given` is gone, exactly as in Notion.
json::array replace_options(const json::array& existing, const json::array& given,
                            const std::string& where, id_source& ids) {
  json::array out;
  std::set<std::string> seen;
  for (const auto& g : given) {
    if (!g.is_object())
      throw validation_error("body failed validation: " + where +
                             ".options should be a list of objects.");
    const auto& go = g.as_object();
    std::string name, id;
    if (auto* n = go.if_contains("name"); n && n->is_string()) name = n->as_string().c_str();
    if (auto* i = go.if_contains("id"); i && i->is_string()) id = i->as_string().c_str();
    if (name.find(',') != std::string::npos)
      throw validation_error("Invalid select option, commas not allowed: " + name);
    const json::object* match = nullptr;
    for (const auto& e : existing) {
      const auto& eo = e.as_object();
      if ((!id.empty() && eo.at("id").as_string() == id) ||
          (id.empty() && !name.empty() && eo.at("name").as_string() == name))
        match = &eo;
    }
    if (!match && name.empty())
      throw validation_error("body failed validation: " + where +
                             ".options[].name should be "
                             "defined for a new option.");
    json::object opt;
    if (match) {
      opt = *match;
      if (!name.empty()) opt["name"] = name;
    } else {
      opt = json::object{
          {"id", ids.uuid()}, {"name", name}, {"color", "default"}, {"description", nullptr}};
    }
    if (auto* c = go.if_contains("color"); c && c->is_string()) opt["color"] = *c;
    const std::string final_name(opt.at("name").as_string());
    if (!seen.insert(final_name).second)
      throw validation_error("Duplicate option name in " + where + ": " + final_name);
    out.push_back(std::move(opt));
  }
  return out;
}

}  // namespace

schema_patch_result apply_schema_patch(json::object& schema, const json::object& patch,
                                       id_source& ids) {
  json::object next = schema;
  schema_patch_result result;
  for (const auto& [raw_key, update] : patch) {
    const std::string key(raw_key);
    // By name first, then by property id (Notion accepts both).
    std::string name;
    if (next.contains(key)) {
      name = key;
    } else {
      for (const auto& [n, p] : next)
        if (p.as_object().at("id").as_string() == key) name = std::string(n);
    }
    if (update.is_null()) {
      if (name.empty()) throw validation_error(key + " is not a property that exists.");
      if (next.at(name).as_object().at("type").as_string() == "title")
        throw validation_error("Cannot delete the title property.");
      result.removed_property_ids.push_back(
          std::string(next.at(name).as_object().at("id").as_string()));
      next.erase(name);
      continue;
    }
    if (!update.is_object())
      throw validation_error("body failed validation: " + path_of(key) +
                             " should be an object or `null`, instead was `" +
                             json::serialize(update) + "`.");
    const auto& u = update.as_object();
    const auto type = type_key_of(key, u);
    if (name.empty()) {
      // A new property: it needs its type.
      if (type.empty())
        throw validation_error("body failed validation: " + path_of(key) +
                               " should define a property type for a new property.");
      if (type == "title") throw validation_error("A data source has exactly one title property.");
      json::object spec{{"type", type}};
      json::object config = u.at(type).as_object();
      if (auto* opts = config.if_contains("options"); opts && opts->is_array()) {
        config["options"] = replace_options({}, opts->as_array(), path_of(key) + "." + type, ids);
      }
      spec[type] = std::move(config);
      if (auto* d = u.if_contains("description")) spec["description"] = *d;
      std::string new_name = key;
      if (auto* n = u.if_contains("name"); n && n->is_string()) new_name = n->as_string().c_str();
      auto made = normalize_schema(json::object{{new_name, spec}}, ids);
      if (next.contains(new_name))
        throw validation_error("A property named " + new_name + " already exists.");
      next[new_name] = made.at(new_name);
      continue;
    }
    auto prop = next.at(name).as_object();
    const std::string old_type(prop.at("type").as_string());
    if (!type.empty()) {
      const auto& config = u.at(type).as_object();
      if (type == old_type && (type == "select" || type == "multi_select")) {
        if (auto* opts = config.if_contains("options")) {
          if (!opts->is_array())
            throw validation_error("body failed validation: " + path_of(key) + "." + type +
                                   ".options should be an array.");
          auto& cfg = prop[type].as_object();
          const auto existing =
              cfg.contains("options") ? cfg.at("options").as_array() : json::array{};
          cfg["options"] =
              replace_options(existing, opts->as_array(), path_of(key) + "." + type, ids);
        }
      } else if (type == old_type && type == "status") {
        if (config.contains("options") || config.contains("groups"))
          throw validation_error("Status options and groups cannot be updated through the API.");
      } else if (type != old_type) {
        if (old_type == "title" || type == "title")
          throw validation_error("Cannot change the type of or to the title property.");
        json::object spec{{"type", type}, {type, config}, {"id", prop.at("id")}};
        prop = normalize_schema(json::object{{name, spec}}, ids).at(name).as_object();
        result.retyped_property_ids.push_back(std::string(prop.at("id").as_string()));
      } else {
        // Same type, other configuration (e.g. number format): taken as given.
        for (const auto& [k, v] : config) prop[type].as_object()[k] = v;
      }
    }
    if (auto* d = u.if_contains("description")) prop["description"] = *d;
    std::string new_name = name;
    if (auto* n = u.if_contains("name"); n && n->is_string()) new_name = n->as_string().c_str();
    if (new_name != name) {
      if (next.contains(new_name))
        throw validation_error("A property named " + new_name + " already exists.");
      next.erase(name);
      prop["name"] = new_name;
    }
    next[new_name] = std::move(prop);
  }
  schema = std::move(next);
  return result;
}

void drop_removed_options(const json::object& schema, std::map<std::string, json::value>& values) {
  for (const auto& [name, p] : schema) {
    const auto& prop = p.as_object();
    const std::string type(prop.at("type").as_string());
    if (type != "select" && type != "multi_select") continue;
    std::set<std::string> ids;
    if (auto* cfg = prop.at(type).as_object().if_contains("options"); cfg && cfg->is_array())
      for (const auto& o : cfg->as_array())
        ids.insert(std::string(o.as_object().at("id").as_string()));
    auto it = values.find(std::string(prop.at("id").as_string()));
    if (it == values.end()) continue;
    auto& v = it->second;
    if (type == "select" && v.is_object() &&
        !ids.count(std::string(v.as_object().at("id").as_string())))
      v = nullptr;
    if (type == "multi_select" && v.is_array()) {
      json::array kept;
      for (const auto& o : v.as_array())
        if (ids.count(std::string(o.as_object().at("id").as_string()))) kept.push_back(o);
      v = std::move(kept);
    }
  }
}

}  // namespace ngsync::sandbox::notion
