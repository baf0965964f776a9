// Fault rules are checked in order; the first rule that matches a request and fires decides.
// Latency from every matching rule adds up, since a slow path and an error can coincide.
#include "tests/sandbox/src/faults.hpp"

#include <stdexcept>

namespace ngsync::sandbox {

namespace json = boost::json;

namespace {

double number_or(const json::object& o, const char* key, double fallback) {
  if (auto* v = o.if_contains(key)) {
    if (!v->is_number())
      throw std::invalid_argument(std::string("faults: ") + key + " must be a number");
    return v->to_number<double>();
  }
  return fallback;
}

std::string string_or(const json::object& o, const char* key, std::string fallback) {
  if (auto* v = o.if_contains(key)) {
    if (!v->is_string())
      throw std::invalid_argument(std::string("faults: ") + key + " must be a string");
    return std::string(v->as_string());
  }
  return fallback;
}

}  // namespace

void fault_injector::configure(const json::value& spec) {
  if (!spec.is_object()) throw std::invalid_argument("faults: body must be an object");
  const auto& o = spec.as_object();
  std::vector<fault_rule> rules;
  if (auto* rs = o.if_contains("rules")) {
    if (!rs->is_array()) throw std::invalid_argument("faults: rules must be an array");
    for (const auto& r : rs->as_array()) {
      if (!r.is_object()) throw std::invalid_argument("faults: each rule must be an object");
      const auto& ro = r.as_object();
      static const char* known[] = {"api",           "method",     "path_prefix", "error_rate",
                                    "error_status",  "reset_rate", "latency_ms",  "burst_429",
                                    "retry_after_s", "outage"};
      for (const auto& [k, v] : ro) {
        bool ok = false;
        for (const char* kn : known) ok |= k == kn;
        if (!ok) throw std::invalid_argument("faults: unknown key " + std::string(k));
      }
      fault_rule f;
      f.api = string_or(ro, "api", "*");
      f.method = string_or(ro, "method", "");
      f.path_prefix = string_or(ro, "path_prefix", "");
      f.error_rate = number_or(ro, "error_rate", 0);
      f.error_status = static_cast<unsigned>(number_or(ro, "error_status", 503));
      f.reset_rate = number_or(ro, "reset_rate", 0);
      f.latency =
          std::chrono::milliseconds(static_cast<std::int64_t>(number_or(ro, "latency_ms", 0)));
      f.burst_429 = static_cast<int>(number_or(ro, "burst_429", 0));
      f.retry_after_s = static_cast<int>(number_or(ro, "retry_after_s", 1));
      if (auto* out = ro.if_contains("outage")) {
        if (!out->is_object()) throw std::invalid_argument("faults: outage must be an object");
        // Relative to now on the sandbox clock, so scripts need not know the clock's offset.
        const auto now = clock_->now();
        const auto start = std::chrono::milliseconds(
            static_cast<std::int64_t>(number_or(out->as_object(), "start_in_ms", 0)));
        const auto dur = std::chrono::milliseconds(
            static_cast<std::int64_t>(number_or(out->as_object(), "duration_ms", 0)));
        f.outage_start = now + start;
        f.outage_end = now + start + dur;
      }
      if (f.error_rate < 0 || f.error_rate > 1 || f.reset_rate < 0 || f.reset_rate > 1)
        throw std::invalid_argument("faults: rates must be within [0, 1]");
      rules.push_back(std::move(f));
    }
  }
  const bool append = o.contains("append") && o.at("append").is_bool() && o.at("append").as_bool();
  if (!append) rules_.clear();
  for (auto& r : rules) rules_.push_back(std::move(r));
}

json::value fault_injector::describe() const {
  json::array out;
  for (const auto& r : rules_) {
    json::object o{{"api", r.api},
                   {"method", r.method},
                   {"path_prefix", r.path_prefix},
                   {"error_rate", r.error_rate},
                   {"error_status", r.error_status},
                   {"reset_rate", r.reset_rate},
                   {"latency_ms", r.latency.count()},
                   {"burst_429_left", r.burst_429},
                   {"retry_after_s", r.retry_after_s}};
    if (r.outage_start) {
      o["outage_active"] = clock_->now() >= *r.outage_start && clock_->now() < *r.outage_end;
    }
    out.push_back(std::move(o));
  }
  return json::object{{"rules", std::move(out)}};
}

fault_decision fault_injector::decide(const std::string& api, const api_request& req) {
  fault_decision d;
  const std::string_view target = req.target();
  const auto path = target.substr(0, target.find('?'));
  const std::string method(http::to_string(req.method()));
  const auto now = clock_->now();
  for (auto& r : rules_) {
    if (r.api != "*" && r.api != api) continue;
    if (!r.method.empty() && r.method != method) continue;
    if (!r.path_prefix.empty() && path.substr(0, r.path_prefix.size()) != r.path_prefix) continue;
    d.latency += r.latency;
    if (d.what != fault_decision::kind::pass) continue;
    // Draw both numbers every time so one rule's outcome does not shift another's sequence.
    const double e = uniform(), c = uniform();
    if (r.outage_start && now >= *r.outage_start && now < *r.outage_end) {
      d.what = fault_decision::kind::outage;
      d.status = 503;
    } else if (r.burst_429 > 0) {
      --r.burst_429;
      d.what = fault_decision::kind::rate_limit;
      d.retry_after_s = r.retry_after_s;
    } else if (c < r.reset_rate) {
      d.what = fault_decision::kind::reset;
    } else if (e < r.error_rate) {
      d.what = fault_decision::kind::error;
      d.status = r.error_status;
    }
  }
  return d;
}

api_response fault_response(const std::string& api, const api_request& req,
                            const fault_decision& d) {
  const bool rate = d.what == fault_decision::kind::rate_limit;
  unsigned status = rate ? (api == "github" ? 403 : 429) : d.status;
  json::object body;
  if (api == "notion") {
    std::string code = "internal_server_error", message = "Unexpected error occurred.";
    if (rate)
      code = "rate_limited",
      message = "You have been rate limited. Please try again in a few minutes.";
    else if (status == 502)
      code = "bad_gateway", message = "Bad gateway.";
    else if (status == 503)
      code = "service_unavailable", message = "Notion is unavailable, please try again later.";
    else if (status == 504)
      code = "gateway_timeout", message = "Gateway timeout.";
    else if (status == 529)
      code = "service_overload", message = "Service overloaded.";
    body = {{"object", "error"},
            {"status", status},
            {"code", code},
            {"message", message},
            {"request_id", "00000000-0000-4000-8000-00000000fa17"}};
    if (rate)
      body["additional_data"] = json::object{{"rate_limit_reason", "integration_rate_limit"}};
  } else {
    if (rate) {
      body = {{"message",
               "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
               "again."},
              {"documentation_url",
               "https://docs.github.com/rest/overview/"
               "rate-limits-for-the-rest-api#about-secondary-rate-limits"},
              {"status", "403"}};
    } else {
      body = {{"message", status == 503 ? "Service Unavailable" : "Server Error"}};
    }
  }
  api_response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  if (rate) {
    res.set(http::field::retry_after, std::to_string(d.retry_after_s));
    if (api == "github") {
      res.set("x-ratelimit-remaining", "4000");
    }
  }
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

}  // namespace ngsync::sandbox
