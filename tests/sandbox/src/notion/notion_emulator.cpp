// Request handling of the Notion emulator: version and token checks, the rate limit, routing to
// the endpoints (notion_endpoints.cpp), and the JSON and error answers they share.
#include "tests/sandbox/src/notion/notion_emulator.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <boost/url/parse.hpp>

#include "tests/sandbox/src/notion/notion_emulator_impl.hpp"

namespace ngsync::sandbox::notion {

namespace {

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

}  // namespace

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

}  // namespace ngsync::sandbox::notion

namespace ngsync::sandbox {

std::unique_ptr<emulator> make_notion_emulator(sandbox_services services) {
  return std::make_unique<notion::notion_emulator>(std::move(services));
}

}  // namespace ngsync::sandbox
