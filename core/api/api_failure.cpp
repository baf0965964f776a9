#include "core/api/api_failure.hpp"

#include <cctype>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/log/logging.hpp"

namespace ngsync::api {

std::string api_failure::describe() const {
  std::string s = fmt::format("{} {} failed", api, operation);
  if (status != 0) s += fmt::format(": HTTP {}", status);
  if (!code.empty()) s += fmt::format(" {}", code);
  if (!message.empty()) s += fmt::format(": {}", message);
  return log::redact(s);
}

api_exception::api_exception(api_failure f)
    : std::runtime_error(f.describe()), failure_(std::move(f)) {}

namespace {

// Pulls the error code and message out of a Notion or GitHub error body; tolerant of anything.
void read_error_body(const std::string& api, const std::string& body, api_failure& f) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    f.message = body.substr(0, 300);
    return;
  }
  const auto& o = v.as_object();
  if (auto* m = o.if_contains("message"); m && m->is_string()) f.message = m->as_string().c_str();
  if (api == "notion") {
    if (auto* c = o.if_contains("code"); c && c->is_string()) f.code = c->as_string().c_str();
  } else if (auto* errs = o.if_contains("errors"); errs && errs->is_array()) {
    for (const auto& e : errs->as_array()) {
      if (!e.is_object()) continue;
      const auto& eo = e.as_object();
      std::string detail;
      if (auto* c = eo.if_contains("code"); c && c->is_string()) f.code = c->as_string().c_str();
      if (auto* m = eo.if_contains("message"); m && m->is_string()) detail = m->as_string().c_str();
      if (auto* fld = eo.if_contains("field"); fld && fld->is_string() && detail.empty()) {
        detail = fmt::format("{} {}", fld->as_string().c_str(), f.code);
      }
      if (!detail.empty()) f.message += (f.message.empty() ? "" : ": ") + detail;
      break;
    }
  }
}

}  // namespace

api_failure classify(const std::string& api, const std::string& operation,
                     const ratelimit::api_result& result) {
  api_failure f;
  f.api = api;
  f.operation = operation;
  f.status = result.status();
  if (result.throttled()) {
    f.kind = failure_kind::throttled;
    f.retry_at = *result.paused_until;
    f.message = "rate limited; paused until the API's reset";
    return f;
  }
  if (!result.response) {
    f.kind = ngsync::http::is_retryable(result.error) ? failure_kind::transient
                                                      : failure_kind::permanent;
    f.message = result.error.message();
    return f;
  }
  read_error_body(api, result.response->body, f);
  const auto s = f.status;
  if (s >= 500 || s == 429 || (api == "notion" && s == 409) || s == 408) {
    f.kind = failure_kind::transient;
  } else {
    f.kind = failure_kind::permanent;
  }
  return f;
}

void throw_malformed(const std::string& api, const std::string& operation, const std::string& why) {
  api_failure f;
  f.kind = failure_kind::permanent;
  f.api = api;
  f.operation = operation;
  f.code = "malformed_response";
  f.message = why;
  throw api_exception(std::move(f));
}

void ensure_ok(const std::string& api, const std::string& operation,
               const ratelimit::api_result& result) {
  if (!result.ok()) throw api_exception(classify(api, operation, result));
}

bool is_archived_page_edit(const api_failure& f) {
  if (f.api != "notion" || f.status != 400 || f.code != "validation_error") return false;
  std::string lower = f.message;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("archived") != std::string::npos;
}

}  // namespace ngsync::api
