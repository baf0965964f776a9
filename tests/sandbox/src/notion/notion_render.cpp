// Rendering of the Notion emulator's API objects: users, property values, pages, data sources,
// databases and blocks, in the shapes of the recorded responses (2026-03-11 renamed `archived`
// to `in_trash`).
#include <cctype>
#include <set>
#include <string>

#include "tests/sandbox/src/notion/notion_emulator_impl.hpp"
#include "tests/sandbox/src/notion/notion_query.hpp"

namespace ngsync::sandbox::notion {

json::object notion_emulator::render_user(const std::string& id, bool full_bot) const {
  auto it = users_.find(id);
  if (it == users_.end()) return user_ref(id);
  const auto& u = it->second;
  json::object out{
      {"object", "user"},
      {"id", u.id},
      {"name", u.name},
      {"avatar_url", u.avatar_url.empty() ? json::value(nullptr) : json::value(u.avatar_url)}};
  if (u.bot) {
    out["type"] = "bot";
    out["bot"] =
        full_bot ? json::object{{"owner", json::object{{"type", "workspace"}, {"workspace", true}}},
                                {"workspace_name", "ngsync sandbox"}}
                 : json::object{};
  } else {
    out["type"] = "person";
    out["person"] = json::object{{"email", u.email}};
  }
  return out;
}

json::value notion_emulator::render_property_value(const notion_page& p,
                                                   const json::object& prop) const {
  const std::string type(prop.at("type").as_string());
  if (type == "created_time") return json::value(format_time(floor_minute(p.created_time)));
  if (type == "last_edited_time") return json::value(format_time(floor_minute(p.last_edited_time)));
  if (type == "created_by") return render_user(p.created_by);
  if (type == "last_edited_by") return render_user(p.last_edited_by);
  auto it = p.values.find(std::string(prop.at("id").as_string()));
  json::value v = it == p.values.end() ? empty_value(prop) : it->second;
  if (type == "people" && v.is_array()) {
    json::array full;
    for (const auto& u : v.as_array())
      full.push_back(render_user(std::string(u.as_object().at("id").as_string())));
    v = std::move(full);
  }
  return v;
}

json::object notion_emulator::render_property(const notion_page& p,
                                              const json::object& prop) const {
  const std::string type(prop.at("type").as_string());
  json::object out{{"id", prop.at("id")}, {"type", type}};
  auto v = render_property_value(p, prop);
  // The page object carries at most 25 people or relations; the rest come from the property
  // item endpoint.
  bool more = false;
  if ((type == "people" || type == "relation") && v.is_array() && v.as_array().size() > 25) {
    v.as_array().resize(25);
    more = true;
  }
  out[type] = std::move(v);
  if (type == "relation") out["has_more"] = more;
  if (type == "unique_id" && out[type].is_null())
    out[type] = json::object{{"prefix", nullptr}, {"number", static_cast<std::int64_t>(p.seq + 1)}};
  return out;
}

std::string notion_emulator::page_url(const notion_page& p) const {
  std::string slug;
  for (const auto& [name, prop] : data_sources_.at(p.data_source_id).properties) {
    if (prop.as_object().at("type") != "title") continue;
    auto it = p.values.find(std::string(prop.as_object().at("id").as_string()));
    if (it != p.values.end()) slug = plain_text(it->second);
  }
  std::string clean;
  for (char c : slug) clean += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return "https://www.notion.so/" + (clean.empty() ? "" : clean + "-") + compact_id(p.id);
}

json::object notion_emulator::render_page(const notion_page& p, const request_context& ctx,
                                          bool with_database_id,
                                          const std::set<std::string>* only) const {
  const auto& ds = data_sources_.at(p.data_source_id);
  json::object parent{{"type", "data_source_id"}, {"data_source_id", ds.id}};
  // Query results name the database too; single-page reads do not (as recorded).
  if (with_database_id) parent["database_id"] = ds.database_id;
  json::object props;
  for (const auto& [name, prop] : ds.properties) {
    const auto& po = prop.as_object();
    if (only && !only->count(std::string(po.at("id").as_string())) &&
        !only->count(percent_decode(std::string(po.at("id").as_string()))))
      continue;
    props[name] = render_property(p, po);
  }
  json::object out{{"object", "page"},
                   {"id", p.id},
                   {"created_time", format_time(floor_minute(p.created_time))},
                   {"last_edited_time", format_time(floor_minute(p.last_edited_time))},
                   {"created_by", user_ref(p.created_by)},
                   {"last_edited_by", user_ref(p.last_edited_by)},
                   {"cover", nullptr},
                   {"icon", nullptr},
                   {"parent", parent}};
  if (!ctx.renamed_trash) out["archived"] = p.in_trash;
  out["in_trash"] = p.in_trash;
  out["properties"] = std::move(props);
  out["url"] = page_url(p);
  out["public_url"] = p.public_url;
  return out;
}

json::object notion_emulator::render_data_source(const notion_data_source& ds,
                                                 const request_context& ctx) const {
  const auto& db = databases_.at(ds.database_id);
  json::object out{
      {"object", "data_source"},
      {"id", ds.id},
      {"cover", nullptr},
      {"icon", ds.icon},
      {"created_time", format_time(floor_minute(ds.created_time))},
      {"created_by", user_ref(bot_id_)},
      {"last_edited_by", user_ref(bot_id_)},
      {"last_edited_time", format_time(floor_minute(ds.last_edited_time))},
      {"title", json::array{rich_text_item(ds.name)}},
      {"description", json::array{}},
      {"is_inline", db.is_inline},
      {"properties", ds.properties},
      {"parent", json::object{{"type", "database_id"}, {"database_id", db.id}}},
      {"database_parent", json::object{{"type", "page_id"}, {"page_id", db.parent_page_id}}},
      {"url", "https://www.notion.so/" + compact_id(db.id)},
      {"public_url", ds.public_url}};
  if (!ctx.renamed_trash) out["archived"] = db.in_trash;
  out["in_trash"] = db.in_trash;
  return out;
}

json::object notion_emulator::render_database(const notion_database& db,
                                              const request_context&) const {
  json::array sources;
  for (const auto& id : db.data_source_ids)
    sources.push_back(json::object{{"id", id}, {"name", data_sources_.at(id).name}});
  return json::object{{"object", "database"},
                      {"id", db.id},
                      {"title", json::array{rich_text_item(db.title)}},
                      {"parent", json::object{{"type", "page_id"}, {"page_id", db.parent_page_id}}},
                      {"is_inline", db.is_inline},
                      {"in_trash", db.in_trash},
                      {"created_time", format_time(db.created_time)},
                      {"last_edited_time", format_time(db.last_edited_time)},
                      {"data_sources", std::move(sources)},
                      {"icon", db.icon},
                      {"cover", nullptr},
                      {"url", "https://www.notion.so/" + compact_id(db.id)},
                      {"public_url", db.public_url}};
}

json::object notion_emulator::render_block(const json::object& b,
                                           const request_context& ctx) const {
  json::object out = b;
  const std::string id(b.at("id").as_string());
  auto it = block_children_.find(id);
  const bool had = b.contains("has_children") && b.at("has_children").is_bool() &&
                   b.at("has_children").as_bool();
  out["has_children"] = had || (it != block_children_.end() && !it->second.empty());
  const bool trashed =
      b.contains("in_trash") && b.at("in_trash").is_bool() && b.at("in_trash").as_bool();
  out.erase("in_trash");
  out.erase("archived");
  if (ctx.renamed_trash)
    out["in_trash"] = trashed;
  else
    out["archived"] = trashed;
  // Keep the recorded key order: type and its payload last.
  json::value type = out["type"];
  json::value payload = out[type.as_string()];
  out.erase("type");
  out.erase(type.as_string());
  out["type"] = type;
  out[type.as_string()] = payload;
  return out;
}

}  // namespace ngsync::sandbox::notion
