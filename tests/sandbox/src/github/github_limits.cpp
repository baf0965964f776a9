// GitHub's primary and secondary rate limits, on the sandbox clock.
#include "tests/sandbox/src/github/github_limits.hpp"

#include <algorithm>

namespace ngsync::sandbox::github {

primary_status rate_limits::take_primary(const std::string& key, const std::string& resource,
                                         int budget, std::chrono::seconds window, time_point now,
                                         bool count) {
  primary_window& w = primary_[key + "/" + resource];
  if (w.used == 0 || now >= w.started + window) w = primary_window{now, 0};
  primary_status status;
  status.limit = budget;
  status.resource = resource;
  status.reset_epoch =
      std::chrono::duration_cast<std::chrono::seconds>((w.started + window).time_since_epoch())
          .count();
  if (count) {
    if (w.used >= budget)
      status.exhausted = true;
    else
      ++w.used;
  }
  status.used = w.used;
  return status;
}

std::optional<std::int64_t> rate_limits::take_content_creation(const std::string& key,
                                                               int per_minute, int per_hour,
                                                               time_point now) {
  using std::chrono::hours;
  using std::chrono::minutes;
  std::deque<time_point>& times = creations_[key];
  while (!times.empty() && times.front() + hours(1) <= now) times.pop_front();
  const auto in_last_minute =
      std::count_if(times.begin(), times.end(), [&](time_point t) { return t + minutes(1) > now; });
  auto seconds_until = [&](time_point t) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(t - now).count();
    return std::max<std::int64_t>(1, wait);
  };
  if (static_cast<int>(times.size()) >= per_hour) {
    // The oldest creation of the hour must age out before a new one fits.
    return seconds_until(times[times.size() - per_hour] + hours(1));
  }
  if (in_last_minute >= per_minute) {
    return seconds_until(times[times.size() - per_minute] + minutes(1));
  }
  times.push_back(now);
  return std::nullopt;
}

std::optional<time_point> rate_limits::retry_after(const std::string& key, time_point now) const {
  auto it = retry_after_.find(key);
  if (it == retry_after_.end() || it->second <= now) return std::nullopt;
  return it->second;
}

}  // namespace ngsync::sandbox::github
