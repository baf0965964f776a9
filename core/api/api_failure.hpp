#pragma once
// How a failed Notion or GitHub call is classified, which decides what happens to the job:
// throttled (reschedule at the time the API named, attempt not counted), transient (retry with
// backoff; the page shows Pending), or permanent (the page shows Error; no retry storm).
// API clients throw api_exception; the job runner catches it once, at the job's top.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/ratelimit/api_caller.hpp"

namespace ngsync::api {

enum class failure_kind { throttled, transient, permanent };

struct api_failure {
  failure_kind kind = failure_kind::transient;
  std::string api;        // "notion" or "github"
  std::string operation;  // "create issue", "query data source", ...
  unsigned status = 0;    // 0: transport failure or malformed answer
  std::string code;       // Notion's error code, or GitHub's first validation code
  std::string message;    // human-readable, secret-free
  std::optional<std::chrono::system_clock::time_point> retry_at;  // throttled only

  std::string describe() const;
};

class api_exception : public std::runtime_error {
 public:
  explicit api_exception(api_failure f);
  const api_failure& failure() const { return failure_; }

 private:
  api_failure failure_;
};

// Classifies an unsuccessful api_result (not ok()). Notion: 409 conflict, 5xx and 529 are
// transient; 429/529 with a pause are throttled; other 4xx are permanent. GitHub: 5xx are
// transient; 404, 410, 422 and other 4xx permanent; rate limits throttled.
api_failure classify(const std::string& api, const std::string& operation,
                     const ratelimit::api_result& result);

// A 2xx answer whose body could not be understood: permanent for this page (retrying reads the
// same answer), recorded with its cause.
[[noreturn]] void throw_malformed(const std::string& api, const std::string& operation,
                                  const std::string& why);

// Notion's answer to a write on a page that is in the trash (400 validation_error "Can't edit
// block that is archived"): the page was trashed after it was read, so the sync plans again from
// a fresh read instead of failing for good.
bool is_archived_page_edit(const api_failure& f);

// Throws api_exception for anything but a 2xx answer.
void ensure_ok(const std::string& api, const std::string& operation,
               const ratelimit::api_result& result);

}  // namespace ngsync::api
