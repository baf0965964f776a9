#pragma once
// GitHub's rate limits on the sandbox clock: the primary hourly budget per identity (and the
// per-minute search budget), and the secondary content-creation limits (per minute, per hour).
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "tests/sandbox/src/github/github_model.hpp"

namespace ngsync::sandbox::github {

// A budget that resets a fixed time after the first request of its window, as GitHub's does.
struct primary_window {
  time_point started;
  int used = 0;
};

struct primary_status {
  int limit = 0;
  int used = 0;
  std::int64_t reset_epoch = 0;
  std::string resource;
  bool exhausted = false;  // this request was refused

  int remaining() const { return limit > used ? limit - used : 0; }
};

class rate_limits {
 public:
  // Counts one request of `key` against `resource` (unless `count` is false, e.g. a 304) and says
  // whether it fits the budget. A refused request does not use budget.
  primary_status take_primary(const std::string& key, const std::string& resource, int budget,
                              std::chrono::seconds window, time_point now, bool count = true);

  // Content-creating requests: returns the seconds to wait when the request must be refused,
  // otherwise records it and returns nullopt.
  std::optional<std::int64_t> take_content_creation(const std::string& key, int per_minute,
                                                    int per_hour, time_point now);

  // A refusal told the client to wait until `until`; requests before then are violations.
  void set_retry_after(const std::string& key, time_point until) { retry_after_[key] = until; }
  std::optional<time_point> retry_after(const std::string& key, time_point now) const;

  void clear() { *this = rate_limits{}; }

 private:
  std::map<std::string, primary_window> primary_;  // key + "/" + resource
  std::map<std::string, std::deque<time_point>> creations_;
  std::map<std::string, time_point> retry_after_;
};

}  // namespace ngsync::sandbox::github
