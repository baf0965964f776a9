#pragma once
// The whole sending budget of one API as pure arithmetic: request tokens, GitHub's
// content-creation windows (80/min, 500/h), spacing between mutating requests, pacing from
// x-ratelimit-remaining/-reset, and API-wide pauses after a 429 or secondary limit.
// Every call takes its time from the injected clock, so tests drive it with a fake one.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ratelimit/clock.hpp"
#include "core/ratelimit/token_bucket.hpp"
#include "core/ratelimit/write_schedule.hpp"

namespace ngsync::ratelimit {

struct content_window {
  std::chrono::seconds length;
  int limit;
};

struct budget_config {
  double rate_per_second = 10;
  double burst = 20;
  // Minimum time between two mutating requests (GitHub asks for >= 1 s); 0 = none.
  std::chrono::milliseconds mutation_spacing{0};
  // Content-creating requests per sliding window, e.g. {{60s, 80}, {3600s, 500}}; empty = none.
  std::vector<content_window> content_windows;
  // Header pacing: below `low_remaining` the remaining budget is spread evenly until the reset,
  // keeping `reserve_remaining` in hand; at or below that the API pauses until the reset.
  bool pace_from_headers = false;
  std::int64_t low_remaining = 200;
  std::int64_t reserve_remaining = 5;
  // Pause when a throttle signal gives no time at all.
  std::chrono::seconds default_pause{60};
};

// GitHub defaults: 10 req/s burst 20, mutations 1 s apart, 80/min and 500/h content creation.
budget_config github_budget_defaults();
// Notion: about 3 req/s average with short bursts.
budget_config notion_budget_defaults();

struct request_traits {
  bool mutating = false;
  bool creates_content = false;
};

struct budget_counters {
  std::uint64_t pauses = 0;
  double paused_seconds = 0;  // total wall time covered by pauses
  double tokens_available = 0;
  std::uint64_t reservations = 0;
};

class api_budget {
 public:
  // `tokens` = null uses a local token bucket built from the config.
  api_budget(budget_config config, time_source clock,
             std::unique_ptr<request_budget> tokens = nullptr);

  // Takes everything one request needs and returns when it may be sent (never before now).
  steady_time reserve(request_traits traits);

  // Mutations and content creation are also claimed from `schedule` (restarts and replicas).
  void share_writes(std::unique_ptr<write_schedule> schedule) { writes_ = std::move(schedule); }

  // Pauses the whole API until `until` (a later pause extends, an earlier one is ignored).
  void pause_until(steady_time until);
  // The end of the current pause, if one is in force.
  std::optional<steady_time> paused_until() const;

  // x-ratelimit-remaining and x-ratelimit-reset (epoch seconds) of a response.
  void observe_rate_headers(std::int64_t remaining, std::int64_t reset_epoch_seconds);

  budget_counters counters();
  const budget_config& config() const { return config_; }
  const time_source& clock() const { return clock_; }

 private:
  steady_time earliest_content_slot(steady_time t) const;

  budget_config config_;
  time_source clock_;
  std::unique_ptr<request_budget> tokens_;
  std::unique_ptr<write_schedule> writes_;
  std::optional<steady_time> last_mutation_;
  std::deque<steady_time> content_times_;  // non-decreasing
  steady_time paused_until_{};
  steady_clock::duration pace_interval_{0};
  std::optional<steady_time> last_paced_;
  budget_counters counters_;
};

}  // namespace ngsync::ratelimit
