// The Notion emulator's endpoints: databases and data sources (read, schema patch, query),
// pages (read, patch, property items, Markdown), block children, comments and users.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/sandbox/src/notion/notion_emulator_impl.hpp"
#include "tests/sandbox/src/notion/notion_markdown_render.hpp"
#include "tests/sandbox/src/notion/notion_query.hpp"
#include "tests/sandbox/src/notion/notion_schema_patch.hpp"

namespace ngsync::sandbox::notion {

namespace {

std::set<std::string> filter_properties_of(const boost::urls::params_view& params) {
  std::set<std::string> out;
  for (const auto& p : params)
    if (p.key == "filter_properties" || p.key == "filter_properties[]") out.insert(p.value);
  return out;
}

}  // namespace

api_response notion_emulator::get_database(const api_request& req, const request_context& ctx,
                                           const std::string& id) {
  auto it = databases_.find(id);
  if (it == databases_.end())
    return error_response(req, ctx,
                          {http::status::not_found, "object_not_found",
                           "Could not find database with ID: " + id +
                               ". Make sure the relevant pages and databases are "
                               "shared with your integration."});
  return json_response(req, http::status::ok, render_database(it->second, ctx), ctx);
}

api_response notion_emulator::get_data_source(const api_request& req, const request_context& ctx,
                                              const std::string& id) {
  auto it = data_sources_.find(id);
  if (it == data_sources_.end())
    return error_response(req, ctx,
                          {http::status::not_found, "object_not_found",
                           "Could not find database with ID: " + id +
                               ". Make sure the relevant pages and databases are "
                               "shared with your integration."});
  return json_response(req, http::status::ok, render_data_source(it->second, ctx), ctx);
}

// Schema changes: options dropped from a select vanish from the pages that used them, which is
// why a client must send the union of old and new options.
api_response notion_emulator::patch_data_source(const api_request& req, const request_context& ctx,
                                                const std::string& id) {
  auto it = data_sources_.find(id);
  if (it == data_sources_.end())
    return error_response(req, ctx,
                          {http::status::not_found, "object_not_found",
                           "Could not find database with ID: " + id +
                               ". Make sure the relevant pages and databases are "
                               "shared with your integration."});
  boost::system::error_code ec;
  auto v = json::parse(req.body(), ec);
  if (ec || !v.is_object())
    return error_response(req, ctx,
                          {http::status::bad_request, "invalid_json", "Error parsing JSON body."});
  const auto& body = v.as_object();
  auto& ds = it->second;
  schema_patch_result changes;
  if (auto* props = body.if_contains("properties")) {
    if (!props->is_object())
      throw validation_error(
          "body failed validation: body.properties should be an object, instead was `" +
          json::serialize(*props) + "`.");
    changes = apply_schema_patch(ds.properties, props->as_object(), ids_);
  }
  if (auto* title = body.if_contains("title"); title && title->is_array())
    ds.name = plain_text(*title);
  for (auto& [pid, p] : pages_) {
    if (p.data_source_id != ds.id) continue;
    for (const auto& gone : changes.removed_property_ids) p.values.erase(gone);
    for (const auto& retyped : changes.retyped_property_ids) p.values.erase(retyped);
    drop_removed_options(ds.properties, p.values);
  }
  ds.last_edited_time = now();
  return json_response(req, http::status::ok, render_data_source(ds, ctx), ctx);
}

api_response notion_emulator::query_data_source(const api_request& req, const request_context& ctx,
                                                const std::string& id,
                                                const boost::urls::params_view& params) {
  auto it = data_sources_.find(id);
  if (it == data_sources_.end())
    return error_response(req, ctx,
                          {http::status::not_found, "object_not_found",
                           "Could not find database with ID: " + id +
                               ". Make sure the relevant pages and databases are "
                               "shared with your integration."});
  const auto& ds = it->second;
  json::object body;
  if (!req.body().empty()) {
    boost::system::error_code ec;
    auto v = json::parse(req.body(), ec);
    if (ec || !v.is_object())
      return error_response(
          req, ctx, {http::status::bad_request, "invalid_json", "Error parsing JSON body."});
    body = v.as_object();
  }
  std::int64_t page_size = 100;
  if (auto* ps = body.if_contains("page_size")) {
    if (!ps->is_int64() && !ps->is_uint64())
      throw validation_error(
          "body failed validation: body.page_size should be a number, instead was `" +
          json::serialize(*ps) + "`.");
    page_size = ps->to_number<std::int64_t>();
    if (page_size > 100)
      throw validation_error(
          "body failed validation: body.page_size should be ≤ `100`, instead was `" +
          std::to_string(page_size) + "`.");
    if (page_size < 1)
      throw validation_error(
          "body failed validation: body.page_size should be ≥ `1`, instead was `" +
          std::to_string(page_size) + "`.");
  }
  const json::value filter = body.contains("filter") ? body.at("filter") : json::value(nullptr);
  const json::value sorts = body.contains("sorts") ? body.at("sorts") : json::value(nullptr);
  // `in_trash: true` lists the trashed pages instead of the live ones (`archived` is its name
  // before 2026-03-11, when it was removed).
  bool trashed = false;
  for (const char* key : {"in_trash", "archived"}) {
    const auto* v = body.if_contains(key);
    if (!v) continue;
    if (std::string_view(key) == "archived" && ctx.renamed_trash)
      throw validation_error(
          "body failed validation: body.archived should be not present, instead was `" +
          json::serialize(*v) + "`.");
    if (!v->is_bool())
      throw validation_error(std::string("body failed validation: body.") + key +
                             " should be a boolean, instead was `" + json::serialize(*v) + "`.");
    trashed = v->as_bool();
  }

  std::vector<const notion_page*> hits;
  for (const auto& [pid, p] : pages_)
    if (p.data_source_id == ds.id && p.in_trash == trashed && page_matches(filter, p, ds))
      hits.push_back(&p);
  if (sorts.is_null()) {
    std::sort(hits.begin(), hits.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  } else {
    sort_pages(hits, sorts, ds);
  }
  bool capped = false;
  if (hits.size() > query_result_limit_) {
    hits.resize(query_result_limit_);
    capped = true;
  }
  std::size_t start = 0;
  if (auto* c = body.if_contains("start_cursor"); c && !c->is_null()) {
    const auto cursor = c->is_string() ? normalize_id(c->as_string()) : std::string();
    auto pos = std::find_if(hits.begin(), hits.end(), [&](auto* p) { return p->id == cursor; });
    if (cursor.empty() || pos == hits.end())
      throw validation_error("The start_cursor provided is invalid: " +
                             (c->is_string() ? std::string(c->as_string()) : json::serialize(*c)));
    start = static_cast<std::size_t>(pos - hits.begin());
  }
  const auto end = std::min(hits.size(), start + static_cast<std::size_t>(page_size));
  const auto only = filter_properties_of(params);
  json::array results;
  for (auto i = start; i < end; ++i)
    results.push_back(render_page(*hits[i], ctx, true, only.empty() ? nullptr : &only));
  const bool has_more = end < hits.size();
  json::object out{{"object", "list"},
                   {"results", std::move(results)},
                   {"next_cursor", has_more ? json::value(hits[end]->id) : json::value(nullptr)},
                   {"has_more", has_more},
                   {"type", "page_or_data_source"},
                   {"page_or_data_source", json::object{}}};
  if (capped && !has_more)
    out["request_status"] =
        json::object{{"type", "incomplete"}, {"incomplete_reason", "query_result_limit_reached"}};
  return json_response(req, http::status::ok, std::move(out), ctx);
}

notion_page& notion_emulator::page_or_throw(const std::string& raw_id, bool for_api) {
  const auto id = normalize_id(raw_id);
  auto it = pages_.find(id);
  if (it == pages_.end()) {
    if (for_api)
      throw api_error{http::status::not_found, "object_not_found",
                      "Could not find page with ID: " + (id.empty() ? raw_id : id) +
                          ". Make sure the relevant pages and databases are shared with your "
                          "integration."};
    throw std::invalid_argument("no page " + raw_id);
  }
  return it->second;
}

api_response notion_emulator::get_page(const api_request& req, const request_context& ctx,
                                       const std::string& id,
                                       const boost::urls::params_view& params) {
  auto& p = page_or_throw(id, true);
  const auto only = filter_properties_of(params);
  return json_response(req, http::status::ok,
                       render_page(p, ctx, false, only.empty() ? nullptr : &only), ctx);
}

void notion_emulator::touch(notion_page& p, const std::string& by) {
  p.last_edited_time = now();
  p.last_edited_by = by;
}

api_response notion_emulator::patch_page(const api_request& req, const request_context& ctx,
                                         const std::string& id) {
  auto& p = page_or_throw(id, true);
  boost::system::error_code ec;
  auto v = json::parse(req.body(), ec);
  if (ec || !v.is_object())
    return error_response(req, ctx,
                          {http::status::bad_request, "invalid_json", "Error parsing JSON body."});
  const auto& body = v.as_object();
  std::optional<bool> trash;
  for (const char* key : {"in_trash", "archived"}) {
    if (auto* t = body.if_contains(key)) {
      if (!t->is_bool())
        throw validation_error(std::string("body failed validation: body.") + key +
                               " should be a boolean, instead was `" + json::serialize(*t) + "`.");
      trash = t->as_bool();
    }
  }
  const json::value* props = body.if_contains("properties");
  if (props && !props->is_object())
    throw validation_error(
        "body failed validation: body.properties should be an object, instead was `" +
        json::serialize(*props) + "`.");
  if (p.in_trash && !(trash && !*trash) && props && !props->as_object().empty())
    throw validation_error(
        "Can't edit block that is archived. You must unarchive the block before editing.");

  // Validate everything against a copy first: a rejected PATCH changes nothing.
  auto& ds = data_sources_.at(p.data_source_id);
  json::object schema = ds.properties;
  std::map<std::string, json::value> updates;
  std::vector<std::string> changed;
  if (props) {
    for (const auto& [key, value] : props->as_object()) {
      notion_data_source probe;
      probe.properties = schema;
      std::string name;
      if (!find_property(probe, std::string(key), &name))
        throw validation_error(std::string(key) + " is not a property that exists.");
      auto& prop = schema[name].as_object();
      if (!value.is_object())
        throw validation_error("body failed validation: body.properties." + std::string(key) +
                               " should be an object, instead was `" + json::serialize(value) +
                               "`.");
      const std::string pid(prop.at("id").as_string());
      updates[pid] = build_value(prop, name, value, false, ids_);
      changed.push_back(pid);
    }
  }
  ds.properties = std::move(schema);
  for (auto& [pid, val] : updates) p.values[pid] = std::move(val);
  const bool was_trashed = p.in_trash;
  if (trash) p.in_trash = *trash;
  touch(p, bot_id_);
  if (!changed.empty()) queue_event({"page.properties_updated", p.id, bot_id_, "bot", changed});
  if (trash && *trash != was_trashed)
    queue_event({*trash ? "page.deleted" : "page.undeleted", p.id, bot_id_, "bot", {}});
  return json_response(req, http::status::ok, render_page(p, ctx, false), ctx);
}

api_response notion_emulator::get_page_property(const api_request& req, const request_context& ctx,
                                                const std::string& id, const std::string& prop_id,
                                                const boost::urls::params_view& params) {
  auto& p = page_or_throw(id, true);
  const auto& ds = data_sources_.at(p.data_source_id);
  const auto* prop = find_property(ds, prop_id);
  if (!prop)
    return error_response(req, ctx,
                          {http::status::not_found, "object_not_found",
                           "Could not find property with ID: " + prop_id + "."});
  const std::string type(prop->at("type").as_string());
  const auto pid = prop->at("id");
  auto value = render_property_value(p, *prop);
  if (type != "title" && type != "rich_text" && type != "people" && type != "relation") {
    json::object out{{"object", "property_item"}, {"id", pid}, {"type", type}, {type, value}};
    return json_response(req, http::status::ok, std::move(out), ctx);
  }
  std::size_t page_size = 100, start = 0;
  for (const auto& q : params) {
    if (q.key == "page_size")
      page_size =
          std::clamp<std::size_t>(std::strtoul(std::string(q.value).c_str(), nullptr, 10), 1, 100);
    if (q.key == "start_cursor") {
      char* endp = nullptr;
      const std::string c(q.value);
      start = std::strtoul(c.c_str(), &endp, 10);
      if (c.empty() || *endp != '\0' || start > value.as_array().size())
        throw validation_error("The start_cursor provided is invalid: " + c);
    }
  }
  const auto& items = value.as_array();
  const auto end = std::min(items.size(), start + page_size);
  json::array results;
  for (auto i = start; i < end; ++i)
    results.push_back(
        json::object{{"object", "property_item"}, {"id", pid}, {"type", type}, {type, items[i]}});
  const bool has_more = end < items.size();
  json::object out{
      {"object", "list"},
      {"results", std::move(results)},
      {"next_cursor", has_more ? json::value(std::to_string(end)) : json::value(nullptr)},
      {"has_more", has_more},
      {"type", "property_item"},
      {"property_item",
       json::object{{"id", pid}, {"next_url", nullptr}, {"type", type}, {type, json::object{}}}}};
  return json_response(req, http::status::ok, std::move(out), ctx);
}

// The page (or, as Notion allows, a block id from a previous answer's unknown_block_ids) rendered
// in the markdown_version asked for (v1 when none: v2 is opt-in until the next Notion-Version).
api_response notion_emulator::get_markdown(const api_request& req, const request_context& ctx,
                                           const std::string& id,
                                           const boost::urls::params_view& params) {
  markdown_render_input in;
  if (auto it = params.find("markdown_version"); it != params.end()) {
    const std::string v((*it).value);
    if (v == "v2")
      in.dialect = markdown_dialect::v2;
    else if (v != "v1")
      throw validation_error(
          "body failed validation: markdown_version should be one of \"v1\", "
          "\"v2\", instead was `" +
          v + "`.");
  }
  in.record_limit = markdown_record_limit_;
  in.children = [this](const std::string& block_id) -> const std::vector<json::object>* {
    auto it = block_children_.find(normalize_id(block_id));
    return it == block_children_.end() ? nullptr : &it->second;
  };
  const auto bid = normalize_id(id);
  std::vector<json::object> roots;
  const std::vector<json::object>* blocks = nullptr;
  if (auto it = pages_.find(bid); it != pages_.end()) {
    page_or_throw(id, true);
    in.page_id = bid;
    blocks = &it->second.blocks;
  } else if (!bid.empty()) {
    // A block: its own subtree. Found among the pages' blocks and every block's children.
    auto matches = [&](const json::object& b) {
      return b.contains("id") && b.at("id").is_string() &&
             normalize_id(b.at("id").as_string()) == bid;
    };
    for (const auto& [pid, p] : pages_)
      for (const auto& b : p.blocks)
        if (matches(b)) {
          roots.push_back(b);
          in.page_id = pid;
        }
    for (const auto& [parent, kids] : block_children_)
      for (const auto& b : kids)
        if (roots.empty() && matches(b)) roots.push_back(b);
    if (roots.empty()) page_or_throw(id, true);  // the usual not-found answer
    // A block the page answer left out as <unknown> (a synced block) is fetched for its content.
    if (roots.front().contains("type") && roots.front().at("type") == "synced_block") {
      auto kids = block_children_.find(bid);
      roots = kids == block_children_.end() ? std::vector<json::object>{} : kids->second;
    }
    blocks = &roots;
  } else {
    page_or_throw(id, true);
  }
  auto md = render_page_markdown(*blocks, in);
  json::array unknown;
  for (auto& u : md.unknown_block_ids) unknown.push_back(json::value(u));
  return json_response(req, http::status::ok,
                       json::object{{"object", "page_markdown"},
                                    {"id", in.page_id.empty() ? bid : in.page_id},
                                    {"markdown", md.markdown},
                                    {"truncated", md.truncated},
                                    {"unknown_block_ids", std::move(unknown)}},
                       ctx);
}

api_response notion_emulator::get_block_children(const api_request& req, const request_context& ctx,
                                                 const std::string& raw_id,
                                                 const boost::urls::params_view& params) {
  const auto id = normalize_id(raw_id);
  const std::vector<json::object>* blocks = nullptr;
  if (auto it = pages_.find(id); it != pages_.end())
    blocks = &it->second.blocks;
  else if (auto bt = block_children_.find(id); bt != block_children_.end())
    blocks = &bt->second;
  if (!blocks)
    return error_response(req, ctx,
                          {http::status::not_found, "object_not_found",
                           "Could not find block with ID: " + (id.empty() ? raw_id : id) +
                               ". Make sure the relevant pages and databases are shared "
                               "with your integration."});
  std::size_t page_size = 100, start = 0;
  for (const auto& q : params) {
    if (q.key == "page_size") {
      const auto n = std::strtol(std::string(q.value).c_str(), nullptr, 10);
      if (n < 1 || n > 100)
        throw validation_error(
            "query failed validation: query.page_size should be ≤ `100`, instead was `" +
            std::string(q.value) + "`.");
      page_size = static_cast<std::size_t>(n);
    }
    if (q.key == "start_cursor") {
      const auto cursor = normalize_id(std::string(q.value));
      auto pos = std::find_if(blocks->begin(), blocks->end(), [&](const json::object& b) {
        return b.at("id").as_string() == cursor;
      });
      if (pos == blocks->end())
        throw validation_error("The start_cursor provided is invalid: " + std::string(q.value));
      start = static_cast<std::size_t>(pos - blocks->begin());
    }
  }
  const auto end = std::min(blocks->size(), start + page_size);
  json::array results;
  for (auto i = start; i < end; ++i) results.push_back(render_block((*blocks)[i], ctx));
  const bool has_more = end < blocks->size();
  return json_response(
      req, http::status::ok,
      json::object{{"object", "list"},
                   {"results", std::move(results)},
                   {"next_cursor", has_more ? (*blocks)[end].at("id") : json::value(nullptr)},
                   {"has_more", has_more},
                   {"type", "block"},
                   {"block", json::object{}}},
      ctx);
}

api_response notion_emulator::get_comments(const api_request& req, const request_context& ctx,
                                           const boost::urls::params_view& params) {
  std::string block_id;
  for (const auto& q : params)
    if (q.key == "block_id") block_id = q.value;
  if (block_id.empty())
    throw validation_error(
        "query failed validation: query.block_id should be defined, instead was `undefined`.");
  auto& p = page_or_throw(block_id, true);
  // Pages of comments: the cursor is the id of the next comment, as Notion's cursors are ids.
  std::size_t page_size = 100, start = 0;
  for (const auto& q : params) {
    if (q.key == "page_size") {
      const auto n = std::strtol(std::string(q.value).c_str(), nullptr, 10);
      if (n < 1 || n > 100)
        throw validation_error(
            "query failed validation: query.page_size should be ≤ `100`, instead was `" +
            std::string(q.value) + "`.");
      page_size = static_cast<std::size_t>(n);
    }
    if (q.key == "start_cursor") {
      const auto cursor = normalize_id(std::string(q.value));
      auto pos = std::find_if(p.comments.begin(), p.comments.end(),
                              [&](const notion_comment& c) { return c.id == cursor; });
      if (pos == p.comments.end())
        throw validation_error("The start_cursor provided is invalid: " + std::string(q.value));
      start = static_cast<std::size_t>(pos - p.comments.begin());
    }
  }
  const auto end = std::min(p.comments.size(), start + page_size);
  json::array results;
  for (auto i = start; i < end; ++i) {
    const auto& c = p.comments[i];
    results.push_back(json::object{{"object", "comment"},
                                   {"id", c.id},
                                   {"parent", json::object{{"type", "page_id"}, {"page_id", p.id}}},
                                   {"discussion_id", c.discussion_id},
                                   {"created_time", format_time(floor_minute(c.created_time))},
                                   {"last_edited_time", format_time(floor_minute(c.created_time))},
                                   {"created_by", user_ref(c.author_id)},
                                   {"rich_text", json::array{rich_text_item(c.text)}}});
  }
  const bool has_more = end < p.comments.size();
  return json_response(req, http::status::ok,
                       json::object{{"object", "list"},
                                    {"results", std::move(results)},
                                    {"next_cursor", has_more ? json::value(p.comments[end].id)
                                                             : json::value(nullptr)},
                                    {"has_more", has_more},
                                    {"type", "comment"},
                                    {"comment", json::object{}}},
                       ctx);
}

api_response notion_emulator::get_user(const api_request& req, const request_context& ctx,
                                       const std::string& id) {
  const auto uid = id == "me" ? bot_id_ : normalize_id(id);
  if (!users_.count(uid))
    return error_response(
        req, ctx,
        {http::status::not_found, "object_not_found", "Could not find user with ID: " + id + "."});
  return json_response(req, http::status::ok, render_user(uid, true), ctx);
}

}  // namespace ngsync::sandbox::notion
