#include "core/github/graphql_client.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/github/api_urls.hpp"
#include "core/log/logging.hpp"
#include "core/ratelimit/throttle.hpp"
#include "core/time/iso8601.hpp"

namespace ngsync::github {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
const std::string api = "github";

std::string text_of(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}
}  // namespace

void graphql_points_budget::observe(std::int64_t remaining, system_time reset_at,
                                    std::int64_t cost) {
  remaining_ = remaining;
  reset_at_ = reset_at;
  spent_ += cost;
}

std::int64_t graphql_points_budget::reserve() const {
  return limit_ >= 0 ? std::min(reserve_, limit_ / 10) : reserve_;
}

std::optional<system_time> graphql_points_budget::blocked_until(system_time now) const {
  if (remaining_ < 0 || remaining_ - in_flight_ > reserve() || now >= reset_at_)
    return std::nullopt;
  return reset_at_;
}

api::api_failure classify_graphql_errors(const json::array& errors, const std::string& operation,
                                         std::optional<system_time> reset_at, system_time now) {
  api::api_failure f;
  f.api = api;
  f.operation = operation;
  f.status = 200;
  f.code = "GRAPHQL_ERROR";
  f.kind = api::failure_kind::permanent;
  for (const auto& e : errors) {
    const auto* o = e.if_object();
    if (!o) continue;
    const auto type = text_of(*o, "type");
    f.message = text_of(*o, "message").substr(0, 500);
    if (!type.empty()) f.code = type;
    break;
  }
  if (f.code == "RATE_LIMITED") {
    f.kind = api::failure_kind::throttled;
    f.retry_at = reset_at && *reset_at > now ? *reset_at : now + std::chrono::seconds(60);
  } else if (f.code == "INTERNAL" || f.code == "SERVICE_UNAVAILABLE" || f.code == "TIMEOUT" ||
             f.code == "INTERNAL_SERVER_ERROR") {
    f.kind = api::failure_kind::transient;
  }
  return f;
}

net::awaitable<void> graphql_client::probe_budget() {
  budget_.probe_started();
  // Ends the probe however this coroutine leaves (an early return, an exception).
  struct finish {
    graphql_points_budget& b;
    ~finish() { b.probe_finished(); }
  } done{budget_};
  ratelimit::api_request req;
  req.path = "/rate_limit";
  req.sync_run_id = sync_run_id_;
  auto r = co_await caller_.call(std::move(req));
  if (!r.ok()) co_return;  // unknown stays unknown: the answers' headers will tell
  json::error_code ec;
  auto v = json::parse(r.response->body, ec);
  const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  const auto* res = o ? o->if_contains("resources") : nullptr;
  const auto* g = res && res->is_object() ? res->as_object().if_contains("graphql") : nullptr;
  if (!g || !g->is_object()) co_return;
  const auto& gq = g->as_object();
  const auto* remaining = gq.if_contains("remaining");
  const auto* reset = gq.if_contains("reset");
  const auto* limit = gq.if_contains("limit");
  if (limit && limit->is_int64()) budget_.observe_limit(limit->as_int64());
  if (remaining && remaining->is_int64() && reset && reset->is_int64()) {
    budget_.observe(remaining->as_int64(), system_time(std::chrono::seconds(reset->as_int64())));
  }
}

net::awaitable<json::object> graphql_client::run(std::string document, json::object variables,
                                                 std::string operation, bool mutation) {
  if (budget_.wants_probe()) co_await probe_budget();
  while (budget_.probing()) {
    auto ex = co_await net::this_coro::executor;
    net::steady_timer wait(ex, std::chrono::milliseconds(10));
    co_await wait.async_wait(net::use_awaitable);
  }
  const auto now = caller_.budget().clock().system_now();
  if (auto until = budget_.blocked_until(now)) {
    // Spending the last points would earn a RATE_LIMITED answer: wait for the reset instead.
    budget_.count_refusal();
    api::api_failure f;
    f.kind = api::failure_kind::throttled;
    f.api = api;
    f.operation = operation;
    f.code = "graphql_budget";
    f.message = fmt::format("GraphQL points low ({} left); paused until {}", budget_.remaining(),
                            iso8601::format(*until));
    f.retry_at = *until;
    throw api::api_exception(std::move(f));
  }

  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = "/graphql";  // the name in logs and audit rows
  req.url = graphql_url(caller_.config().base_url);
  req.headers.set("Content-Type", "application/json");
  req.body = json::serialize(json::object{{"query", document}, {"variables", variables}});
  // A query is safe to replay; a mutation's outcome is unknown after a lost answer.
  req.idempotent = !mutation;
  req.sync_run_id = sync_run_id_;
  // Counted as spent until the answer reports what is left (also when it never comes).
  struct in_flight {
    graphql_points_budget& b;
    explicit in_flight(graphql_points_budget& budget) : b(budget) { b.request_sent(); }
    ~in_flight() { b.request_done(); }
  };
  std::optional<in_flight> pending;
  pending.emplace(budget_);
  auto result = co_await caller_.call(std::move(req));
  pending.reset();
  api::ensure_ok(api, operation, result);

  json::error_code ec;
  auto v = json::parse(result.response->body, ec);
  if (ec || !v.is_object()) api::throw_malformed(api, operation, "the answer is not JSON");
  auto& root = v.as_object();

  // Points: the rateLimit object when the document asked for it, else the response headers.
  std::optional<system_time> reset_at;
  json::object data;
  if (auto* d = root.if_contains("data"); d && d->is_object()) data = d->as_object();
  if (auto* rl = data.if_contains("rateLimit"); rl && rl->is_object()) {
    const auto& r = rl->as_object();
    reset_at = iso8601::parse(text_of(r, "resetAt"));
    const auto* remaining = r.if_contains("remaining");
    const auto* cost = r.if_contains("cost");
    if (reset_at && remaining && remaining->is_int64()) {
      budget_.observe(remaining->as_int64(), *reset_at,
                      cost && cost->is_int64() ? cost->as_int64() : 0);
    }
  } else if (auto rem = result.response->header_int("x-ratelimit-remaining"),
             reset = result.response->header_int("x-ratelimit-reset");
             rem && reset &&
             result.response->header("x-ratelimit-resource") == std::string_view("graphql")) {
    reset_at = ratelimit::epoch_seconds_time(*reset);
    if (reset_at) budget_.observe(*rem, *reset_at, 1);
  }
  if (auto limit = result.response->header_int("x-ratelimit-limit");
      limit && result.response->header("x-ratelimit-resource") == std::string_view("graphql")) {
    budget_.observe_limit(*limit);
  }

  if (auto* errs = root.if_contains("errors");
      errs && errs->is_array() && !errs->as_array().empty()) {
    auto f = classify_graphql_errors(errs->as_array(), operation, reset_at, now);
    log::get("github")->warn("msg=\"graphql error\" operation=\"{}\" type={} error=\"{}\"",
                             operation, f.code, log::redact(f.message));
    throw api::api_exception(std::move(f));
  }
  if (!root.contains("data")) api::throw_malformed(api, operation, "an answer without data");
  co_return data;
}

}  // namespace ngsync::github
