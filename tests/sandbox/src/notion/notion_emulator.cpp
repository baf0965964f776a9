// Request handling of the Notion emulator: version and token checks, the rate limit, routing,
// and the endpoints; rendering follows the recorded responses in tests/reference/notion-fixtures.
#include "tests/sandbox/src/notion/notion_emulator.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "tests/sandbox/src/notion/notion_markdown.hpp"
#include "tests/sandbox/src/notion/notion_markdown_render.hpp"
#include "tests/sandbox/src/notion/notion_model.hpp"
#include "tests/sandbox/src/notion/notion_query.hpp"
#include "tests/sandbox/src/notion/notion_schema_patch.hpp"

namespace ngsync::sandbox {

namespace {

using namespace notion;
namespace net = boost::asio;

// 2026-03-11 renamed `archived` to `in_trash`; older versions send both on pages.
struct request_context {
  std::string version;
  bool renamed_trash = false;  // 2026-03-11 or later
  std::string request_id;
  std::string token;
};

struct api_error {
  http::status status;
  std::string code;
  std::string message;
  json::object additional_data;
};

std::string hmac_sha256_hex(const std::string& key, const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), md, &len);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string str_or(const json::object& o, const char* key, std::string fallback = {}) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return fallback;
}

class notion_emulator final : public emulator {
 public:
  explicit notion_emulator(sandbox_services s) : svc_(std::move(s)) {
    ids_.random = svc_.random;
    reset();
  }

  std::string name() const override { return "notion"; }
  net::awaitable<api_response> handle(api_request req) override;
  void load(const json::value& scenario) override;
  json::value act(const std::string& action, const json::object& args) override;
  json::value state() const override;
  json::value call_counts() const override {
    json::object out;
    for (const auto& [k, v] : calls_) out[k] = v;
    return out;
  }

 private:
  struct rate_bucket {
    double tokens = 0;
    time_point refilled{};
    time_point retry_until{};
  };
  struct pending_event {
    std::string type;
    std::string page_id;
    std::string author_id;
    std::string author_type;
    std::vector<std::string> updated_properties;
  };

  void reset();
  time_point now() const {
    return svc_.clock ? svc_.clock->now() : std::chrono::system_clock::now();
  }

  // Rendering.
  json::object user_ref(const std::string& id) const {
    return json::object{{"object", "user"}, {"id", id}};
  }
  // `full_bot`: /v1/users/me details the bot's owner; inside page values a bot has `bot: {}`.
  json::object render_user(const std::string& id, bool full_bot = false) const;
  json::value render_property_value(const notion_page& p, const json::object& prop) const;
  json::object render_property(const notion_page& p, const json::object& prop) const;
  json::object render_page(const notion_page& p, const request_context& ctx, bool with_database_id,
                           const std::set<std::string>* only = nullptr) const;
  json::object render_data_source(const notion_data_source& ds, const request_context& ctx) const;
  json::object render_database(const notion_database& db, const request_context& ctx) const;
  json::object render_block(const json::object& b, const request_context& ctx) const;
  std::string page_url(const notion_page& p) const;

  // Endpoints.
  api_response get_database(const api_request& req, const request_context& ctx,
                            const std::string& id);
  api_response get_data_source(const api_request& req, const request_context& ctx,
                               const std::string& id);
  api_response query_data_source(const api_request& req, const request_context& ctx,
                                 const std::string& id, const boost::urls::params_view& params);
  api_response patch_data_source(const api_request& req, const request_context& ctx,
                                 const std::string& id);
  api_response get_page(const api_request& req, const request_context& ctx, const std::string& id,
                        const boost::urls::params_view& params);
  api_response patch_page(const api_request& req, const request_context& ctx,
                          const std::string& id);
  api_response get_page_property(const api_request& req, const request_context& ctx,
                                 const std::string& id, const std::string& prop_id,
                                 const boost::urls::params_view& params);
  api_response get_markdown(const api_request& req, const request_context& ctx,
                            const std::string& id, const boost::urls::params_view& params);
  api_response get_block_children(const api_request& req, const request_context& ctx,
                                  const std::string& id, const boost::urls::params_view& params);
  api_response get_comments(const api_request& req, const request_context& ctx,
                            const boost::urls::params_view& params);
  api_response get_user(const api_request& req, const request_context& ctx, const std::string& id);

  api_response json_response(const api_request& req, http::status status, json::object body,
                             const request_context& ctx) const;
  api_response error_response(const api_request& req, const request_context& ctx,
                              const api_error& e) const;

  // State changes shared by the API and the control actions.
  notion_page& page_or_throw(const std::string& raw_id, bool for_api);
  void touch(notion_page& p, const std::string& by);
  void set_blocks(notion_page& p, const json::array& blocks, const std::string& by);
  json::object make_block(json::object input, const std::string& parent_type,
                          const std::string& parent_id, const std::string& by);
  void add_page(const json::object& spec, bool lenient);
  std::string person_or_default(const json::object& args) const;

  // Webhooks.
  void queue_event(pending_event e);
  void flush_events();
  void send_verification();

  // Returns the number of whole seconds to wait, or 0 when the request may pass.
  int take_rate_token(const std::string& token, const std::string& endpoint);

  sandbox_services svc_;
  id_source ids_;
  std::set<std::string> tokens_;
  std::string bot_id_;
  std::string bot_name_;
  std::string workspace_id_;
  std::map<std::string, notion_user> users_;
  std::map<std::string, notion_database> databases_;
  std::map<std::string, notion_data_source> data_sources_;
  std::map<std::string, notion_page> pages_;
  std::map<std::string, std::vector<json::object>> block_children_;  // block id -> children
  std::uint64_t next_seq_ = 0;
  std::size_t query_result_limit_ = 10000;
  std::size_t markdown_record_limit_ = 1000;  // blocks per /markdown answer before truncated

  bool rate_enabled_ = true;
  double rate_per_second_ = 3;
  double rate_burst_ = 6;
  std::map<std::string, rate_bucket> buckets_;
  std::map<std::string, std::uint64_t> calls_;

  std::string webhook_url_;
  std::string webhook_token_;
  std::chrono::milliseconds webhook_batch_{1000};
  std::vector<pending_event> pending_;
  bool flush_scheduled_ = false;
  std::uint64_t webhook_deliveries_ = 0;
  std::uint64_t generation_ = 0;  // bumped by load(), so a pending flush of old state is dropped
};

void notion_emulator::reset() {
  tokens_.clear();
  users_.clear();
  databases_.clear();
  data_sources_.clear();
  pages_.clear();
  block_children_.clear();
  buckets_.clear();
  calls_.clear();
  pending_.clear();
  next_seq_ = 0;
  bot_id_ = "00000000-0000-4000-8000-00000000b075";
  bot_name_ = "ngsync";
  workspace_id_ = "00000000-0000-4000-8000-000000005ace";
  users_[bot_id_] = notion_user{bot_id_, bot_name_, "", "", true};
  webhook_url_.clear();
  webhook_token_.clear();
  ++generation_;
}

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

api_response notion_emulator::json_response(const api_request& req, http::status status,
                                            json::object body, const request_context& ctx) const {
  body["request_id"] = ctx.request_id;
  api_response res{status, req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set("x-request-id", ctx.request_id);
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

api_response notion_emulator::error_response(const api_request& req, const request_context& ctx,
                                             const api_error& e) const {
  json::object body{{"object", "error"},
                    {"status", static_cast<int>(e.status)},
                    {"code", e.code},
                    {"message", e.message}};
  if (!e.additional_data.empty()) body["additional_data"] = e.additional_data;
  return json_response(req, e.status, std::move(body), ctx);
}

int notion_emulator::take_rate_token(const std::string& token, const std::string& endpoint) {
  if (!rate_enabled_) return 0;
  const double speed = svc_.limit_speed ? std::max(0.001, svc_.limit_speed()) : 1.0;
  const double rate = rate_per_second_ * speed;
  const double burst = std::max(1.0, rate_burst_ * speed);
  const auto t = now();
  auto [it, fresh] = buckets_.try_emplace(token);
  auto& b = it->second;
  if (fresh) {
    b.tokens = burst;
    b.refilled = t;
  }
  if (t < b.retry_until) {
    const auto early =
        std::chrono::duration_cast<std::chrono::milliseconds>(b.retry_until - t).count();
    if (svc_.record_violation)
      svc_.record_violation("notion", endpoint,
                            "request " + std::to_string(early) + " ms before Retry-After elapsed");
    return static_cast<int>(std::ceil(early / 1000.0));
  }
  const double elapsed = std::chrono::duration<double>(t - b.refilled).count();
  b.tokens = std::min(burst, b.tokens + std::max(0.0, elapsed) * rate);
  b.refilled = t;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  const int wait = std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate)));
  b.retry_until = t + std::chrono::seconds(wait);
  return wait;
}

// ---- endpoints ---------------------------------------------------------------------------------

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

std::set<std::string> filter_properties_of(const boost::urls::params_view& params) {
  std::set<std::string> out;
  for (const auto& p : params)
    if (p.key == "filter_properties" || p.key == "filter_properties[]") out.insert(p.value);
  return out;
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
      throw validation_error("body failed validation: body.archived should be not present, instead was `" +
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
      throw validation_error("body failed validation: markdown_version should be one of \"v1\", "
                             "\"v2\", instead was `" + v + "`.");
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
      return b.contains("id") && b.at("id").is_string() && normalize_id(b.at("id").as_string()) == bid;
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

// Endpoint names for call counts: ids replaced by placeholders.
std::string endpoint_key(http::verb method, const std::vector<std::string>& seg) {
  std::string path;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    std::string s = seg[i];
    if (i == 2 && seg.size() > 2 && s != "me") s = "{id}";
    if (i == 4) s = "{property_id}";
    path += "/" + s;
  }
  return std::string(http::to_string(method)) + " " + path;
}

net::awaitable<api_response> notion_emulator::handle(api_request req) {
  request_context ctx;
  ctx.request_id = ids_.uuid();
  auto parsed = boost::urls::parse_origin_form(req.target());
  if (!parsed) {
    co_return error_response(
        req, ctx, {http::status::bad_request, "invalid_request_url", "Invalid request URL."});
  }
  std::vector<std::string> seg;
  for (auto s : parsed->segments()) seg.push_back(s);
  const auto params = parsed->params();
  const auto endpoint = endpoint_key(req.method(), seg);
  calls_[endpoint]++;

  const auto version = req["Notion-Version"];
  if (version.empty())
    co_return error_response(req, ctx,
                             {http::status::bad_request, "missing_version",
                              "Notion-Version header failed validation: Notion-Version "
                              "should be defined, instead was `undefined`."});
  ctx.version = std::string(version);
  ctx.renamed_trash = ctx.version >= "2026-03-11";

  const std::string auth(req[http::field::authorization]);
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0 || !tokens_.count(auth.substr(prefix.size())))
    co_return error_response(req, ctx,
                             {http::status::unauthorized, "unauthorized", "API token is invalid."});
  ctx.token = auth.substr(prefix.size());

  if (int wait = take_rate_token(ctx.token, endpoint); wait > 0) {
    auto res = error_response(req, ctx,
                              {http::status::too_many_requests, "rate_limited",
                               "You have been rate limited. Please try again in a few minutes.",
                               json::object{{"rate_limit_reason", "integration_rate_limit"}}});
    res.set(http::field::retry_after, std::to_string(wait));
    co_return res;
  }

  try {
    const auto m = req.method();
    const auto n = seg.size();
    if (n >= 2 && seg[0] == "v1") {
      const auto& kind = seg[1];
      if (kind == "users" && n == 3 && m == http::verb::get) co_return get_user(req, ctx, seg[2]);
      if (kind == "databases" && n == 3 && m == http::verb::get)
        co_return get_database(req, ctx,
                               normalize_id(seg[2]).empty() ? seg[2] : normalize_id(seg[2]));
      if (kind == "data_sources" && n == 3 && m == http::verb::get)
        co_return get_data_source(req, ctx,
                                  normalize_id(seg[2]).empty() ? seg[2] : normalize_id(seg[2]));
      if (kind == "data_sources" && n == 3 && m == http::verb::patch)
        co_return patch_data_source(req, ctx,
                                    normalize_id(seg[2]).empty() ? seg[2] : normalize_id(seg[2]));
      if (kind == "data_sources" && n == 4 && seg[3] == "query" && m == http::verb::post)
        co_return query_data_source(
            req, ctx, normalize_id(seg[2]).empty() ? seg[2] : normalize_id(seg[2]), params);
      if (kind == "pages" && n == 3 && m == http::verb::get)
        co_return get_page(req, ctx, seg[2], params);
      if (kind == "pages" && n == 3 && m == http::verb::patch)
        co_return patch_page(req, ctx, seg[2]);
      if (kind == "pages" && n == 5 && seg[3] == "properties" && m == http::verb::get)
        co_return get_page_property(req, ctx, seg[2], seg[4], params);
      if (kind == "pages" && n == 4 && seg[3] == "markdown" && m == http::verb::get)
        co_return get_markdown(req, ctx, seg[2], params);
      if (kind == "blocks" && n == 4 && seg[3] == "children" && m == http::verb::get)
        co_return get_block_children(req, ctx, seg[2], params);
      if (kind == "comments" && n == 2 && m == http::verb::get)
        co_return get_comments(req, ctx, params);
    }
    co_return error_response(
        req, ctx, {http::status::bad_request, "invalid_request_url", "Invalid request URL."});
  } catch (const api_error& e) {
    co_return error_response(req, ctx, e);
  } catch (const validation_error& e) {
    co_return error_response(req, ctx, {http::status::bad_request, "validation_error", e.what()});
  }
}

// ---- scenario and control actions ------------------------------------------------------------

time_point time_or(const json::object& o, const char* key, time_point fallback) {
  if (auto* v = o.if_contains(key); v && v->is_string())
    if (auto t = parse_time(v->as_string())) return *t;
  return fallback;
}

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
    for (const auto& d : dbs->as_array()) {
      const auto& o = d.as_object();
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
  if (auto* ps = s.if_contains("pages"); ps && ps->is_array())
    for (const auto& p : ps->as_array()) add_page(p.as_object(), true);
  if (auto* gens = s.if_contains("generate_pages"); gens && gens->is_array())
    for (const auto& g : gens->as_array()) {
      // Bulk pages for pagination and cap tests: "<prefix> <n>", one per step from start_time.
      const auto& o = g.as_object();
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

// ---- webhooks ---------------------------------------------------------------------------------

void notion_emulator::send_verification() {
  if (!svc_.post_webhook) return;
  svc_.post_webhook(webhook_url_, {{"Content-Type", "application/json"}},
                    json::serialize(json::object{{"verification_token", webhook_token_}}));
}

void notion_emulator::queue_event(pending_event e) {
  if (webhook_url_.empty() || !svc_.post_webhook) return;
  // Notion aggregates events of one kind on one page within its batching window.
  for (auto& p : pending_) {
    if (p.type == e.type && p.page_id == e.page_id) {
      for (auto& prop : e.updated_properties)
        if (std::find(p.updated_properties.begin(), p.updated_properties.end(), prop) ==
            p.updated_properties.end())
          p.updated_properties.push_back(prop);
      p.author_id = e.author_id;
      p.author_type = e.author_type;
      return;
    }
  }
  pending_.push_back(std::move(e));
  if (flush_scheduled_) return;
  if (!svc_.executor || webhook_batch_.count() <= 0) {
    flush_events();
    return;
  }
  flush_scheduled_ = true;
  const auto gen = generation_;
  net::co_spawn(
      svc_.executor,
      [this, gen]() -> net::awaitable<void> {
        net::steady_timer t(co_await net::this_coro::executor, webhook_batch_);
        co_await t.async_wait(net::use_awaitable);
        if (gen != generation_) co_return;
        flush_scheduled_ = false;
        flush_events();
      },
      net::detached);
}

void notion_emulator::flush_events() {
  auto events = std::move(pending_);
  pending_.clear();
  for (const auto& e : events) {
    auto it = pages_.find(e.page_id);
    const std::string parent = it == pages_.end() ? std::string() : it->second.data_source_id;
    json::object data{{"parent", json::object{{"id", parent}, {"type", "data_source"}}}};
    if (e.type == "page.properties_updated") {
      json::array props;
      for (const auto& p : e.updated_properties) props.push_back(json::value(p));
      data["updated_properties"] = std::move(props);
    }
    json::object body{
        {"id", ids_.uuid()},
        {"timestamp", format_time(now())},
        {"workspace_id", workspace_id_},
        {"workspace_name", "ngsync sandbox"},
        {"subscription_id", "00000000-0000-4000-8000-00000000500b"},
        {"integration_id", bot_id_},
        {"type", e.type},
        {"authors", json::array{json::object{{"id", e.author_id}, {"type", e.author_type}}}},
        {"accessible_by", json::array{json::object{{"id", bot_id_}, {"type", "bot"}}}},
        {"attempt_number", 1},
        {"entity", json::object{{"id", e.page_id}, {"type", "page"}}},
        {"data", std::move(data)}};
    const auto text = json::serialize(body);
    svc_.post_webhook(webhook_url_,
                      {{"Content-Type", "application/json"},
                       {"X-Notion-Signature", "sha256=" + hmac_sha256_hex(webhook_token_, text)}},
                      text);
    ++webhook_deliveries_;
  }
}

}  // namespace

std::unique_ptr<emulator> make_notion_emulator(sandbox_services services) {
  return std::make_unique<notion_emulator>(std::move(services));
}

}  // namespace ngsync::sandbox
