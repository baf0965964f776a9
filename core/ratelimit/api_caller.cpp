#include "core/ratelimit/api_caller.hpp"

#include <charconv>

#include "core/log/logging.hpp"

namespace ngsync::ratelimit {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

std::string excerpt_of_failure(std::string_view body) {
  constexpr std::size_t limit = 4096;
  auto text = log::redact(body);
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  // Not inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text;
}

bool is_mutating(http::verb v) {
  return v == http::verb::post || v == http::verb::patch || v == http::verb::put ||
         v == http::verb::delete_;
}

}  // namespace

api_caller::api_caller(http::transport& client, api_caller_config config, time_source clock,
                       std::unique_ptr<request_budget> tokens)
    : client_(client),
      config_(std::move(config)),
      budget_(config_.budget, std::move(clock), std::move(tokens)),
      limiter_(client.executor(), budget_, config_.max_concurrent),
      rng_(std::random_device{}()) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

void api_caller::set_authorization_provider(authorization_provider provider) {
  auth_ = std::move(provider);
}

void api_caller::set_pause_listener(pause_listener listener) {
  on_pause_ = std::move(listener);
}

void api_caller::set_observer(attempt_observer observer) {
  observer_ = std::move(observer);
}

caller_counters api_caller::counters() {
  return {budget_.counters(), throttled_responses_, retries_, auth_refreshes_,
          limiter_.in_flight()};
}

void api_caller::observe_headers(const http::response& resp) {
  // GitHub's GraphQL answers count its points budget (x-ratelimit-resource: graphql), not the
  // REST requests this budget paces: a few points left must not pause REST for the hour.
  if (resp.header("x-ratelimit-resource") == std::string_view("graphql")) return;
  const auto remaining = resp.header_int("x-ratelimit-remaining");
  const auto reset = resp.header_int("x-ratelimit-reset");
  if (remaining && reset) budget_.observe_rate_headers(*remaining, *reset);
}

std::optional<std::chrono::steady_clock::time_point> api_caller::pause_hold() const {
  const auto until = budget_.paused_until();
  if (!until) return std::nullopt;
  const auto left = *until - budget_.clock().steady_now();
  if (left <= steady_clock::duration::zero()) return std::nullopt;
  if (left > config_.max_pause_wait) return std::chrono::steady_clock::time_point::max();
  return std::chrono::steady_clock::now() + left;
}

void api_caller::report(const api_request& req, int attempt, std::chrono::milliseconds latency,
                        const http::result& r) {
  if (!observer_) return;
  attempt_record rec;
  rec.api = config_.name;
  rec.method = req.method;
  rec.path = req.path;
  rec.sync_run_id = req.sync_run_id;
  rec.attempt = attempt;
  rec.latency = latency;
  if (r) {
    rec.status = r->status;
    // Failed answers keep a bounded excerpt for the audit log: redacted whole, then cut, so a
    // token that straddles the cut cannot survive as an unrecognisable prefix.
    if (r->status >= 400) rec.response_excerpt = excerpt_of_failure(r->body);
    for (const char* name : {"x-github-request-id", "x-request-id", "x-notion-request-id"}) {
      if (auto v = r->header(name); !v.empty()) {
        rec.request_id = v;
        break;
      }
    }
    for (const auto& f : r->headers) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name.rfind("x-ratelimit-", 0) == 0 || name == "retry-after")
        rec.rate_limit_headers.emplace_back(std::move(name), std::string(f.value()));
    }
  } else {
    rec.error = r.error();
  }
  try {
    observer_(rec);
  } catch (const std::exception& e) {
    // An audit hook must not turn a finished request into a failed one.
    ngsync::log::get("http")->error("msg=\"attempt observer threw\" api={} error={}", config_.name,
                                    ngsync::log::redact(e.what()));
  }
}

http::request api_caller::attempt_request(const api_request& req, bool idempotent) {
  http::request hreq;
  hreq.method = req.method;
  hreq.url = req.url.empty() ? config_.base_url + req.path : req.url;
  hreq.headers = config_.default_headers;
  for (const auto& f : req.headers) hreq.headers.set(f.name_string(), f.value());
  hreq.body = req.body;
  hreq.idempotent = idempotent;
  hreq.gate = [this] { return pause_hold(); };
  return hreq;
}

void api_caller::enter_pause(const throttle_signal& sig, const api_request& req, unsigned status,
                             api_result& out) {
  auto log = ngsync::log::get("http");
  const auto& clock = budget_.clock();
  ++throttled_responses_;
  budget_.pause_until(clock.steady_now() + sig.wait);
  const auto until = budget_.paused_until().value_or(clock.steady_now());
  out.paused_until = clock.to_system(until);
  if (on_pause_) {
    try {
      on_pause_(*out.paused_until);
    } catch (const std::exception& e) {
      // A listener's failure must not lose the pause the server asked for.
      log->error("msg=\"pause listener threw\" api={} error={}", config_.name, e.what());
    }
  }
  log->warn(R"(msg="api paused" api={} status={} reason="{}" pause_s={} path={})", config_.name,
            status, sig.reason, sig.wait.count(), ngsync::log::redact(req.path));
}

net::awaitable<api_result> api_caller::call(api_request req) {
  auto log = ngsync::log::get("http");
  const bool idempotent = req.idempotent.value_or(http::is_idempotent_verb(req.method));
  const request_traits traits{is_mutating(req.method), req.creates_content};
  const auto& clock = budget_.clock();
  api_result out;
  bool auth_refreshed = false;
  int failures = 0;  // attempts that count against retry.max_attempts

  for (;;) {
    auto grant = co_await limiter_.acquire(traits, config_.max_pause_wait);
    if (!grant.permit) {
      out.paused_until = clock.to_system(*grant.paused_until);
      co_return out;
    }
    http::request hreq = attempt_request(req, idempotent);
    if (auth_) {
      const std::string authorization = co_await auth_(false);
      hreq.headers.set(boost::beast::http::field::authorization, authorization);
    }

    ++out.attempts;
    const auto started = clock.steady_now();
    auto r = co_await client_.send(std::move(hreq));
    const auto latency =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock.steady_now() - started);
    grant.permit.release();
    if (!r && r.error() == http::errc::held_back) {
      // Never sent: not an attempt; the job is rescheduled for the pause's end like any throttle.
      --out.attempts;
      const auto until = budget_.paused_until().value_or(clock.steady_now());
      out.paused_until = clock.to_system(until);
      co_return out;
    }
    report(req, out.attempts, latency, r);
    if (!r) {
      out.error = r.error();
      out.response.reset();
      ++failures;
      if (idempotent && http::is_retryable(r.error()) && failures < config_.retry.max_attempts) {
        ++retries_;
        co_await clock.sleep_until(clock.steady_now() + config_.retry.delay(failures, rng_));
        continue;
      }
      log->warn(R"(msg="request failed" api={} method={} path={} error="{}" attempts={})",
                config_.name, std::string(boost::beast::http::to_string(req.method)),
                ngsync::log::redact(req.path), r.error().message(), out.attempts);
      co_return out;
    }

    out.error.clear();
    observe_headers(*r);
    const unsigned status = r->status;
    if (auto sig = detect_throttle(config_.flavor, status, r->headers, r->body, clock.system_now(),
                                   config_.budget.default_pause)) {
      enter_pause(*sig, req, status, out);
      out.response = std::move(*r);
      co_return out;
    }
    if (status == 401 && auth_ && req.refresh_auth_on_401 && !auth_refreshed) {
      // The server rejected the credentials before acting, so even a POST may go again.
      auth_refreshed = true;
      ++auth_refreshes_;
      co_await auth_(true);
      continue;
    }
    ++failures;
    if (idempotent && retry_policy::retryable_status(status) &&
        failures < config_.retry.max_attempts) {
      ++retries_;
      co_await clock.sleep_until(clock.steady_now() + config_.retry.delay(failures, rng_));
      continue;
    }
    out.response = std::move(*r);
    co_return out;
  }
}

}  // namespace ngsync::ratelimit
