// The framework's request path is: fault decision -> added latency -> injected answer or the
// emulator -> call log. The control API changes the same state the listeners read, on the same
// single I/O thread, so nothing is locked.
#include "tests/sandbox/src/sandbox_host.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/http/client.hpp"
#include "core/log/logging.hpp"
#include "tests/sandbox/src/notion/notion_time.hpp"

namespace ngsync::sandbox {

namespace json = boost::json;
namespace net = boost::asio;
using bstatus = http::status;

namespace {

constexpr std::size_t max_logged_calls = 100000;

std::string now_text(const sandbox_clock& c) {
  return notion::format_time(c.now());
}

}  // namespace

sandbox_host::sandbox_host(net::any_io_executor executor, std::uint64_t seed)
    : executor_(executor), rng_(seed), seed_(seed), faults_([this] { return rng_(); }, &clock_) {}

sandbox_host::~sandbox_host() = default;

sandbox_services sandbox_host::services() {
  sandbox_services s;
  s.clock = &clock_;
  s.random = [this] { return rng_(); };
  s.record_violation = [this](std::string api, std::string endpoint, std::string why) {
    record_violation(std::move(api), std::move(endpoint), std::move(why));
  };
  s.limit_speed = [this] { return speed_; };
  s.post_webhook = [this](std::string url, std::vector<std::pair<std::string, std::string>> headers,
                          std::string body) {
    post_webhook(std::move(url), std::move(headers), std::move(body));
  };
  s.executor = executor_;
  return s;
}

void sandbox_host::add(std::unique_ptr<emulator> e) {
  auto name = e->name();
  emulators_[name] = std::move(e);
}

emulator* sandbox_host::find(const std::string& name) const {
  auto it = emulators_.find(name);
  return it == emulators_.end() ? nullptr : it->second.get();
}

std::vector<std::string> sandbox_host::names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : emulators_) out.push_back(n);
  return out;
}

void sandbox_host::pin_seed(std::uint64_t seed) {
  seed_ = seed;
  seed_pinned_ = true;
  rng_.seed(seed);
}

void sandbox_host::load_scenario(const json::value& scenario) {
  if (!scenario.is_object()) throw std::invalid_argument("scenario must be a JSON object");
  const auto& s = scenario.as_object();
  for (const auto& [key, v] : s) {
    if (key != "seed" && !emulators_.count(std::string(key)))
      throw std::invalid_argument("scenario: unknown key " + std::string(key));
  }
  if (!seed_pinned_) {
    if (auto* seed = s.if_contains("seed")) {
      if (!seed->is_number()) throw std::invalid_argument("scenario: seed must be a number");
      seed_ = seed->to_number<std::uint64_t>();
    }
  }
  rng_.seed(seed_);
  for (auto& [name, e] : emulators_)
    if (auto* part = s.if_contains(name)) e->load(*part);
}

void sandbox_host::record_violation(std::string api, std::string endpoint, std::string why) {
  ngsync::log::get("sandbox")->warn("limit violation api={} endpoint=\"{}\" why=\"{}\"", api,
                                    endpoint, why);
  violations_.push_back(
      json::object{{"api", api}, {"endpoint", endpoint}, {"why", why}, {"at", now_text(clock_)}});
}

void sandbox_host::log_call(const std::string& api, const nh::server_request& req, unsigned status,
                            std::string outcome) {
  if (calls_.size() >= max_logged_calls) calls_.pop_front();
  calls_.push_back(call_entry{next_call_++, api, std::string(http::to_string(req.method())),
                              std::string(req.target()), std::move(outcome), status,
                              now_text(clock_)});
}

void sandbox_host::post_webhook(std::string url,
                                std::vector<std::pair<std::string, std::string>> headers,
                                std::string body) {
  if (!webhook_client_) {
    nh::client_config cfg;
    cfg.pooling = false;
    cfg.request_timeout = std::chrono::seconds(10);
    webhook_client_ = std::make_unique<nh::client>(executor_, cfg);
  }
  net::co_spawn(
      executor_,
      [this, url = std::move(url), headers = std::move(headers),
       body = std::move(body)]() -> net::awaitable<void> {
        // A few tries with a pause, as Notion and GitHub retry failed deliveries.
        json::object entry{{"url", url}, {"at", now_text(clock_)}, {"body", body}};
        int attempt = 0;
        for (; attempt < 3; ++attempt) {
          nh::request req;
          req.method = http::verb::post;
          req.url = url;
          for (const auto& [k, v] : headers) req.headers.set(k, v);
          req.body = body;
          auto res = co_await webhook_client_->send(std::move(req));
          if (res) {
            entry["status"] = res->status;
            if (res->status < 500) break;
          } else {
            entry["error"] = res.error().message();
          }
          net::steady_timer t(executor_, std::chrono::milliseconds(500 * (attempt + 1)));
          co_await t.async_wait(net::use_awaitable);
        }
        entry["attempts"] = std::min(attempt + 1, 3);
        deliveries_.push_back(std::move(entry));
      },
      net::detached);
}

nh::handler sandbox_host::api_handler(const std::string& api) {
  return [this, api](nh::server_request req) -> net::awaitable<nh::server_response> {
    auto* emu = find(api);
    const auto decision = faults_.decide(api, req);
    const std::string_view target = req.target();
    const std::string endpoint = std::string(http::to_string(req.method())) + " " +
                                 std::string(target.substr(0, target.find('?')));
    // Judged on arrival, before the injected latency: a request that arrived before the 429 was
    // answered (and was then held back by a slow-response rule) did not ignore it.
    if (auto it = injected_retry_until_.find(api);
        it != injected_retry_until_.end() && clock_.now() < it->second) {
      record_violation(api, endpoint, "request before an injected Retry-After elapsed");
    }
    if (decision.latency.count() > 0) {
      net::steady_timer t(executor_, decision.latency);
      co_await t.async_wait(net::use_awaitable);
    }
    using kind = fault_decision::kind;
    switch (decision.what) {
      case kind::reset:
        log_call(api, req, 0, "fault:reset");
        throw nh::drop_connection{};
      case kind::rate_limit:
        injected_retry_until_[api] = clock_.now() + std::chrono::seconds(decision.retry_after_s);
        [[fallthrough]];
      case kind::error:
      case kind::outage: {
        auto res = fault_response(api, req, decision);
        log_call(api, req, res.result_int(),
                 decision.what == kind::rate_limit ? "fault:rate_limit"
                 : decision.what == kind::error    ? "fault:error"
                                                   : "fault:outage");
        co_return res;
      }
      case kind::pass:
        break;
    }
    if (!emu) {
      log_call(api, req, 503, "no emulator");
      co_return nh::make_response(req, bstatus::service_unavailable,
                                  R"({"message":"emulator not registered"})");
    }
    auto copy_method = req.method();
    auto copy_target = std::string(req.target());
    auto res = co_await emu->handle(std::move(req));
    nh::server_request logged{copy_method, copy_target, 11};
    log_call(api, logged, res.result_int(), "emulator");
    co_return res;
  };
}

nh::server_response control_json(const nh::server_request& req, bstatus status,
                                 const json::value& body) {
  return nh::make_response(req, status, json::serialize(body));
}

json::array sandbox_host::violations() const {
  return violations_;
}
json::array sandbox_host::webhook_deliveries() const {
  return deliveries_;
}

json::array sandbox_host::calls() const {
  json::array out;
  for (const auto& c : calls_)
    out.push_back(json::object{{"seq", c.seq},
                               {"api", c.api},
                               {"method", c.method},
                               {"target", c.target},
                               {"status", c.status},
                               {"outcome", c.outcome},
                               {"at", c.at}});
  return out;
}

json::value sandbox_host::handle_control(const nh::server_request& req, bstatus& status) {
  const std::string_view target = req.target();
  const std::string path(target.substr(0, target.find('?')));
  const auto m = req.method();
  auto body = [&]() -> json::value {
    if (req.body().empty()) return json::object{};
    boost::system::error_code ec;
    auto v = json::parse(req.body(), ec);
    if (ec) throw std::invalid_argument("body is not JSON: " + ec.message());
    return v;
  };
  auto need_object = [](const json::value& v) -> const json::object& {
    if (!v.is_object()) throw std::invalid_argument("body must be a JSON object");
    return v.as_object();
  };
  if (m == http::verb::post && path == "/control/scenario") {
    load_scenario(body());
    return json::object{{"ok", true}, {"seed", seed_}};
  }
  if (m == http::verb::post && path == "/control/act") {
    const auto b = body();
    const auto& o = need_object(b);
    const auto* api = o.if_contains("api");
    const auto* action = o.if_contains("action");
    if (!api || !api->is_string() || !action || !action->is_string())
      throw std::invalid_argument("act needs api and action strings");
    auto* emu = find(std::string(api->as_string()));
    if (!emu) throw std::invalid_argument("no emulator " + std::string(api->as_string()));
    json::object args;
    if (auto* a = o.if_contains("args")) args = need_object(*a);
    return json::object{{"ok", true}, {"result", emu->act(std::string(action->as_string()), args)}};
  }
  if (m == http::verb::get && path == "/control/state") {
    json::object emus;
    for (const auto& [name, e] : emulators_) emus[name] = e->state();
    return json::object{{"seed", seed_},
                        {"now", now_text(clock_)},
                        {"limit_speed", speed_},
                        {"faults", faults_.describe()},
                        {"emulators", std::move(emus)}};
  }
  if (m == http::verb::get && path == "/control/calls") {
    json::object counts;
    for (const auto& [name, e] : emulators_) counts[name] = e->call_counts();
    return json::object{{"calls", calls()}, {"counts", std::move(counts)}};
  }
  if (m == http::verb::get && path == "/control/violations")
    return json::object{{"violations", violations_}};
  if (m == http::verb::get && path == "/control/webhooks")
    return json::object{{"deliveries", deliveries_}};
  if (path == "/control/faults") {
    if (m == http::verb::post)
      faults_.configure(body());
    else if (m == http::verb::delete_)
      faults_.clear();
    else if (m != http::verb::get)
      throw std::invalid_argument("GET, POST or DELETE");
    return faults_.describe();
  }
  if (m == http::verb::post && path == "/control/clock/advance") {
    const auto b = body();
    const auto* ms = need_object(b).if_contains("ms");
    if (!ms || !ms->is_number() || ms->to_number<double>() < 0)
      throw std::invalid_argument("advance needs a non-negative ms");
    clock_.advance(std::chrono::milliseconds(ms->to_number<std::int64_t>()));
    return json::object{{"now", now_text(clock_)}};
  }
  if (m == http::verb::post && path == "/control/limits/speed") {
    const auto b = body();
    const auto* f = need_object(b).if_contains("factor");
    if (!f || !f->is_number() || f->to_number<double>() <= 0)
      throw std::invalid_argument("speed needs a positive factor");
    speed_ = f->to_number<double>();
    return json::object{{"factor", speed_}};
  }
  if (m == http::verb::post && path == "/control/reset-counters") {
    calls_.clear();
    violations_.clear();
    deliveries_.clear();
    return json::object{{"ok", true}};
  }
  status = bstatus::not_found;
  return json::object{
      {"error", "no control endpoint " + std::string(http::to_string(m)) + " " + path}};
}

nh::handler sandbox_host::control_handler() {
  return [this](nh::server_request req) -> net::awaitable<nh::server_response> {
    auto status = bstatus::ok;
    json::value out;
    try {
      out = handle_control(req, status);
    } catch (const std::invalid_argument& e) {
      status = bstatus::bad_request;
      out = json::object{{"error", e.what()}};
    } catch (const std::exception& e) {
      status = bstatus::bad_request;
      out = json::object{{"error", e.what()}};
    }
    co_return control_json(req, status, out);
  };
}

}  // namespace ngsync::sandbox
