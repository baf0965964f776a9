// The Notion emulator's scenarios and control actions: loading a workspace (users, databases,
// data sources, pages, generated pages, the webhook), what a person does in Notion (create,
// edit, trash, restore, set content, comment), and the state the sandbox reports.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/sandbox/src/notion/notion_emulator_impl.hpp"
#include "tests/sandbox/src/notion/notion_markdown.hpp"
#include "tests/sandbox/src/notion/notion_query.hpp"

namespace ngsync::sandbox::notion {

namespace {

std::string str_or(const json::object& o, const char* key, std::string fallback = {}) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return fallback;
}

time_point time_or(const json::object& o, const char* key, time_point fallback) {
  if (auto* v = o.if_contains(key); v && v->is_string())
    if (auto t = parse_time(v->as_string())) return *t;
  return fallback;
}

}  // namespace

json::object notion_emulator::make_block(json::object input, const std::string& parent_type,
                                         const std::string& parent_id, const std::string& by) {
  // Shorthand: {"type":"paragraph","text":"..."} (also "checked" for to_do, "language" for code).
  std::string type = str_or(input, "type");
  if (type.empty()) throw std::invalid_argument("notion scenario: a block needs a type");
  if (!input.contains(type) || !input.at(type).is_object()) {
    json::object payload{{"rich_text", json::array{rich_text_item(str_or(input, "text"))}}};
    if (type == "to_do")
      payload["checked"] = input.contains("checked") && input.at("checked").is_bool() &&
                           input.at("checked").as_bool();
    if (type == "code") {
      payload["caption"] = json::array{};
      payload["language"] = str_or(input, "language", "plain text");
    } else {
      payload["color"] = "default";
    }
    if (type == "divider") payload = json::object{};
    input[type] = std::move(payload);
  }
  const auto t = format_time(floor_minute(now()));
  json::object b{
      {"object", "block"},
      {"id",
       normalize_id(str_or(input, "id")).empty() ? ids_.uuid() : normalize_id(str_or(input, "id"))},
      {"parent", json::object{{"type", parent_type}, {parent_type, parent_id}}},
      {"created_time", str_or(input, "created_time", t)},
      {"last_edited_time", str_or(input, "last_edited_time", t)},
      {"created_by",
       input.contains("created_by") ? input.at("created_by") : json::value(user_ref(by))},
      {"last_edited_by",
       input.contains("last_edited_by") ? input.at("last_edited_by") : json::value(user_ref(by))},
      {"has_children",
       input.contains("has_children") ? input.at("has_children") : json::value(false)},
      {"in_trash", false},
      {"type", type},
      {type, input.at(type)}};
  if (auto* kids = input.if_contains("children"); kids && kids->is_array()) {
    const std::string bid(b.at("id").as_string());
    auto& list = block_children_[bid];
    for (const auto& k : kids->as_array())
      list.push_back(make_block(k.as_object(), "block_id", bid, by));
  }
  return b;
}

void notion_emulator::set_blocks(notion_page& p, const json::array& blocks, const std::string& by) {
  p.blocks.clear();
  for (const auto& b : blocks) {
    if (!b.is_object()) throw std::invalid_argument("notion: a block must be an object");
    p.blocks.push_back(make_block(b.as_object(), "page_id", p.id, by));
  }
}

std::string notion_emulator::person_or_default(const json::object& args) const {
  const auto by = normalize_id(str_or(args, "by"));
  if (!by.empty()) return by;
  for (const auto& [id, u] : users_)
    if (!u.bot) return id;
  return bot_id_;
}

void notion_emulator::add_page(const json::object& spec, bool lenient) {
  notion_page p;
  p.id = normalize_id(str_or(spec, "id"));
  if (p.id.empty()) p.id = ids_.uuid();
  if (pages_.count(p.id)) throw std::invalid_argument("notion: page " + p.id + " exists already");
  p.data_source_id = normalize_id(str_or(spec, "data_source_id"));
  if (!data_sources_.count(p.data_source_id))
    throw std::invalid_argument("notion: page " + p.id + " names an unknown data_source_id");
  auto& ds = data_sources_.at(p.data_source_id);
  p.seq = next_seq_++;
  const auto by = person_or_default(spec);
  p.created_time = time_or(spec, "created_time", now());
  p.last_edited_time = time_or(spec, "last_edited_time", p.created_time);
  p.created_by = normalize_id(str_or(spec, "created_by", by));
  p.last_edited_by = normalize_id(str_or(spec, "last_edited_by", by));
  p.in_trash = (spec.contains("in_trash") && spec.at("in_trash").as_bool()) ||
               (spec.contains("archived") && spec.at("archived").as_bool());
  if (auto* u = spec.if_contains("public_url")) p.public_url = *u;
  if (auto* props = spec.if_contains("properties"); props && props->is_object()) {
    for (const auto& [key, value] : props->as_object()) {
      std::string name;
      if (!find_property(ds, std::string(key), &name))
        throw std::invalid_argument("notion: page " + p.id + ": no property " + std::string(key));
      auto& prop = ds.properties[name].as_object();
      const std::string type(prop.at("type").as_string());
      const std::string pid(prop.at("id").as_string());
      if (is_read_only_type(type)) {
        // Computed values (formula, rollup, unique id) are taken as given by the scenario.
        if (value.is_object() && value.as_object().contains(type))
          p.values[pid] = value.as_object().at(type);
        else
          p.values[pid] = value;
        continue;
      }
      try {
        p.values[pid] = build_value(prop, name, value, lenient, ids_);
      } catch (const validation_error& e) {
        throw std::invalid_argument(std::string("notion: page ") + p.id + ": " + e.what());
      }
    }
  }
  const auto id = p.id;
  auto& stored = pages_.emplace(id, std::move(p)).first->second;
  if (auto* c = spec.if_contains("content"); c && c->is_array())
    set_blocks(stored, c->as_array(), stored.created_by);
  if (auto* md = spec.if_contains("markdown"); md && md->is_string()) {
    json::array blocks;
    for (auto& b : markdown_to_blocks(std::string(md->as_string()))) blocks.push_back(b);
    set_blocks(stored, blocks, stored.created_by);
  }
  if (auto* cs = spec.if_contains("comments"); cs && cs->is_array())
    for (const auto& c : cs->as_array()) {
      const auto& co = c.as_object();
      stored.comments.push_back({ids_.uuid(), ids_.uuid(),
                                 normalize_id(str_or(co, "by", stored.created_by)),
                                 str_or(co, "text"), time_or(co, "created_time", now())});
    }
}

// A database of the scenario with its data sources (a title property added when none is given).
void notion_emulator::load_database(const json::object& o, time_point t0) {
  notion_database db;
  db.id = normalize_id(str_or(o, "id"));
  if (db.id.empty()) db.id = ids_.uuid();
  db.title = str_or(o, "title", "Tasks");
  db.parent_page_id = normalize_id(str_or(o, "parent_page_id"));
  if (db.parent_page_id.empty()) db.parent_page_id = ids_.uuid();
  db.is_inline = o.contains("is_inline") && o.at("is_inline").as_bool();
  db.created_time = time_or(o, "created_time", t0);
  db.last_edited_time = time_or(o, "last_edited_time", t0);
  if (auto* v = o.if_contains("icon")) db.icon = *v;
  if (auto* v = o.if_contains("public_url")) db.public_url = *v;
  if (auto* srcs = o.if_contains("data_sources"); srcs && srcs->is_array())
    for (const auto& x : srcs->as_array()) {
      const auto& so = x.as_object();
      notion_data_source ds;
      ds.id = normalize_id(str_or(so, "id"));
      if (ds.id.empty()) ds.id = ids_.uuid();
      ds.database_id = db.id;
      ds.name = str_or(so, "name", db.title);
      ds.created_time = time_or(so, "created_time", db.created_time);
      ds.last_edited_time = time_or(so, "last_edited_time", db.last_edited_time);
      if (auto* v = so.if_contains("icon")) ds.icon = *v;
      if (auto* v = so.if_contains("public_url")) ds.public_url = *v;
      if (auto* props = so.if_contains("properties"); props && props->is_object())
        ds.properties = normalize_schema(props->as_object(), ids_);
      bool has_title = false;
      for (const auto& [n, p] : ds.properties) has_title |= p.as_object().at("type") == "title";
      if (!has_title)
        ds.properties = normalize_schema(json::object{{"Name", "title"}}, ids_), (void)0;
      db.data_source_ids.push_back(ds.id);
      data_sources_[ds.id] = std::move(ds);
    }
  databases_[db.id] = std::move(db);
}

// Bulk pages for pagination and cap tests: "<prefix> <n>", one per step from start_time.
void notion_emulator::generate_pages(const json::object& o, time_point t0) {
  const auto count = o.at("count").to_number<std::int64_t>();
  const auto prefix = str_or(o, "title_prefix", "Page");
  const auto step = std::chrono::milliseconds(
      o.contains("step_ms") ? o.at("step_ms").to_number<std::int64_t>() : 60000);
  const auto start = time_or(o, "start_time", t0 - step * count);
  const auto ds_id = normalize_id(str_or(o, "data_source_id"));
  if (!data_sources_.count(ds_id))
    throw std::invalid_argument("notion: generate_pages: unknown data_source_id");
  std::string title_name;
  for (const auto& [n, p] : data_sources_.at(ds_id).properties)
    if (p.as_object().at("type") == "title") title_name = n;
  for (std::int64_t i = 0; i < count; ++i) {
    json::object props{{title_name, prefix + " " + std::to_string(i + 1)}};
    if (auto* extra = o.if_contains("properties"); extra && extra->is_object())
      for (const auto& [k, v] : extra->as_object()) props[k] = v;
    const auto t = format_time(start + step * i);
    json::object page{{"data_source_id", ds_id},
                      {"created_time", t},
                      {"last_edited_time", t},
                      {"properties", props}};
    // The same content for every page (blocks, or Markdown turned into blocks): benchmarks
    // sync bodies of a realistic size.
    for (const char* key : {"content", "markdown"})
      if (auto* v = o.if_contains(key)) page[key] = *v;
    add_page(page, true);
  }
}

void notion_emulator::load(const json::value& scenario) {
  reset();
  if (scenario.is_null()) return;
  if (!scenario.is_object()) throw std::invalid_argument("notion scenario must be an object");
  const auto& s = scenario.as_object();
  if (auto* t = s.if_contains("tokens"); t && t->is_array())
    for (const auto& tok : t->as_array()) tokens_.insert(std::string(tok.as_string()));
  if (auto* b = s.if_contains("bot"); b && b->is_object()) {
    users_.erase(bot_id_);
    bot_id_ = normalize_id(str_or(b->as_object(), "id", bot_id_));
    bot_name_ = str_or(b->as_object(), "name", bot_name_);
    users_[bot_id_] =
        notion_user{bot_id_, bot_name_, "", str_or(b->as_object(), "avatar_url"), true};
  }
  if (auto* us = s.if_contains("users"); us && us->is_array())
    for (const auto& u : us->as_array()) {
      const auto& o = u.as_object();
      notion_user nu{normalize_id(str_or(o, "id")), str_or(o, "name"), str_or(o, "email"),
                     str_or(o, "avatar_url"), false};
      if (nu.id.empty()) throw std::invalid_argument("notion scenario: a user needs a uuid id");
      users_[nu.id] = nu;
    }
  if (auto* r = s.if_contains("rate_limit"); r && r->is_object()) {
    const auto& o = r->as_object();
    if (auto* e = o.if_contains("enabled")) rate_enabled_ = e->as_bool();
    if (auto* v = o.if_contains("requests_per_second")) rate_per_second_ = v->to_number<double>();
    if (auto* v = o.if_contains("burst")) rate_burst_ = v->to_number<double>();
  } else {
    rate_enabled_ = true;
    rate_per_second_ = 3;
    rate_burst_ = 6;
  }
  query_result_limit_ = 10000;
  markdown_record_limit_ = 1000;
  if (auto* q = s.if_contains("markdown_record_limit"); q && q->is_number())
    markdown_record_limit_ = q->to_number<std::size_t>();
  if (auto* q = s.if_contains("query_result_limit"))
    query_result_limit_ = q->to_number<std::size_t>();
  const auto t0 = now();
  if (auto* dbs = s.if_contains("databases"); dbs && dbs->is_array())
    for (const auto& d : dbs->as_array()) load_database(d.as_object(), t0);
  if (auto* ps = s.if_contains("pages"); ps && ps->is_array())
    for (const auto& p : ps->as_array()) add_page(p.as_object(), true);
  if (auto* gens = s.if_contains("generate_pages"); gens && gens->is_array())
    for (const auto& g : gens->as_array()) generate_pages(g.as_object(), t0);
  if (auto* w = s.if_contains("webhook"); w && w->is_object()) {
    const auto& o = w->as_object();
    webhook_url_ = str_or(o, "url");
    webhook_token_ = str_or(o, "verification_token", "secret_" + compact_id(ids_.uuid()));
    if (auto* b = o.if_contains("batch_ms"))
      webhook_batch_ = std::chrono::milliseconds(b->to_number<std::int64_t>());
    const bool verify = !o.contains("send_verification") || o.at("send_verification").as_bool();
    if (!webhook_url_.empty() && verify) send_verification();
  }
}

json::value notion_emulator::act(const std::string& action, const json::object& args) {
  const auto by = person_or_default(args);
  if (action == "create_page") {
    json::object spec = args;
    if (!spec.contains("id")) spec["id"] = ids_.uuid();
    spec["created_by"] = by;
    spec["last_edited_by"] = by;
    add_page(spec, true);
    const auto id = normalize_id(str_or(spec, "id"));
    queue_event({"page.created", id, by, "person", {}});
    return json::object{{"id", id}};
  }
  auto& p = page_or_throw(str_or(args, "page_id"), false);
  if (action == "edit_page") {
    auto& ds = data_sources_.at(p.data_source_id);
    const auto* props = args.if_contains("properties");
    if (!props || !props->is_object()) throw std::invalid_argument("edit_page needs properties");
    std::vector<std::string> changed;
    for (const auto& [key, value] : props->as_object()) {
      std::string name;
      if (!find_property(ds, std::string(key), &name))
        throw std::invalid_argument("edit_page: no property " + std::string(key));
      auto& prop = ds.properties[name].as_object();
      try {
        const std::string pid(prop.at("id").as_string());
        p.values[pid] = build_value(prop, name, value, true, ids_);
        changed.push_back(pid);
      } catch (const validation_error& e) {
        throw std::invalid_argument(std::string("edit_page: ") + e.what());
      }
    }
    touch(p, by);
    queue_event({"page.properties_updated", p.id, by, "person", changed});
  } else if (action == "trash_page" || action == "restore_page") {
    p.in_trash = action == "trash_page";
    touch(p, by);
    queue_event({p.in_trash ? "page.deleted" : "page.undeleted", p.id, by, "person", {}});
  } else if (action == "set_content") {
    if (auto* md = args.if_contains("markdown"); md && md->is_string()) {
      json::array blocks;
      for (auto& b : markdown_to_blocks(std::string(md->as_string()))) blocks.push_back(b);
      set_blocks(p, blocks, by);
    } else if (auto* bl = args.if_contains("blocks"); bl && bl->is_array()) {
      set_blocks(p, bl->as_array(), by);
    } else {
      throw std::invalid_argument("set_content needs markdown or blocks");
    }
    touch(p, by);
    queue_event({"page.content_updated", p.id, by, "person", {}});
  } else if (action == "add_comment") {
    // A person's comment starts its own discussion; the answer names the new comment.
    p.comments.push_back({ids_.uuid(), ids_.uuid(), by, str_or(args, "text"), now()});
    const auto& c = p.comments.back();
    return json::object{{"id", c.id}, {"discussion_id", c.discussion_id}, {"page_id", p.id}};
  } else {
    throw std::invalid_argument("unknown notion action: " + action);
  }
  request_context ctx;
  ctx.renamed_trash = true;
  return render_page(p, ctx, false);
}

json::value notion_emulator::state() const {
  request_context ctx;
  ctx.renamed_trash = true;
  json::array pages;
  std::vector<const notion_page*> ordered;
  for (const auto& [id, p] : pages_) ordered.push_back(&p);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  for (auto* p : ordered) pages.push_back(render_page(*p, ctx, true));
  json::object sources;
  for (const auto& [id, ds] : data_sources_) sources[id] = render_data_source(ds, ctx);
  return json::object{{"bot_id", bot_id_},
                      {"data_sources", std::move(sources)},
                      {"pages", std::move(pages)},
                      {"webhook_deliveries", webhook_deliveries_},
                      {"pending_webhook_events", pending_.size()}};
}

}  // namespace ngsync::sandbox::notion
