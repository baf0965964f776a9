#pragma once
// GitHub-shaped responses: JSON bodies with GitHub's headers, and its error documents
// ({"message", "documentation_url", "status"} and the 422 "Validation Failed" form).
#include <string>

#include <boost/json.hpp>

#include "tests/sandbox/src/emulator.hpp"

namespace ngsync::sandbox::github {

inline constexpr const char* docs_rest = "https://docs.github.com/rest";
inline constexpr const char* docs_rate_limits =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
inline constexpr const char* docs_secondary_limits =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits";

inline api_response json_response(http::status status, const boost::json::value& body) {
  api_response res{status, 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set("x-github-media-type", "github.v3; format=json");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

inline api_response github_error(http::status status, const std::string& message,
                                 const std::string& documentation_url = docs_rest) {
  boost::json::object o;
  o["message"] = message;
  o["documentation_url"] = documentation_url;
  o["status"] = std::to_string(static_cast<unsigned>(status));
  return json_response(status, o);
}

// One entry of a 422's "errors" array.
inline boost::json::object validation_entry(const std::string& resource, const std::string& code,
                                            const std::string& field,
                                            const std::string& message = {}) {
  boost::json::object e{{"resource", resource}, {"code", code}, {"field", field}};
  if (!message.empty()) e["message"] = message;
  return e;
}

inline api_response validation_failed(boost::json::array errors,
                                      const std::string& documentation_url = docs_rest) {
  boost::json::object o;
  o["message"] = "Validation Failed";
  o["errors"] = std::move(errors);
  o["documentation_url"] = documentation_url;
  o["status"] = "422";
  return json_response(http::status::unprocessable_entity, o);
}

}  // namespace ngsync::sandbox::github
