#include "core/ratelimit/api_budget.hpp"

#include <algorithm>

#include "core/ratelimit/throttle.hpp"

namespace ngsync::ratelimit {

using namespace std::chrono_literals;

budget_config github_budget_defaults() {
  budget_config c;
  c.rate_per_second = 10;
  c.burst = 20;
  c.mutation_spacing = 1000ms;
  c.content_windows = {{60s, 80}, {3600s, 500}};
  c.pace_from_headers = true;
  return c;
}

budget_config notion_budget_defaults() {
  budget_config c;
  c.rate_per_second = 3;
  c.burst = 10;
  return c;
}

api_budget::api_budget(budget_config config, time_source clock,
                       std::unique_ptr<request_budget> tokens)
    : config_(std::move(config)), clock_(std::move(clock)), tokens_(std::move(tokens)) {
  if (!tokens_)
    tokens_ = std::make_unique<local_request_budget>(config_.rate_per_second, config_.burst,
                                                     clock_.steady_now());
}

steady_time api_budget::earliest_content_slot(steady_time t) const {
  steady_time at = t;
  if (!content_times_.empty()) at = std::max(at, content_times_.back());
  for (const auto& w : config_.content_windows) {
    const auto n = static_cast<std::ptrdiff_t>(content_times_.size());
    if (w.limit <= 0 || n < w.limit) continue;
    // The window ending at `at` may hold only limit-1 earlier slots: wait until the one
    // `limit` back has left it.
    at = std::max(at, content_times_[n - w.limit] + w.length);
  }
  return at;
}

steady_time api_budget::reserve(request_traits traits) {
  const steady_time now = clock_.steady_now();
  ++counters_.reservations;
  steady_time at = std::max(now, tokens_->reserve(now, 1));
  at = std::max(at, paused_until_);
  if (pace_interval_ > steady_clock::duration::zero()) {
    if (last_paced_) at = std::max(at, *last_paced_ + pace_interval_);
    last_paced_ = at;
  }
  if (traits.mutating && config_.mutation_spacing > 0ms) {
    if (last_mutation_) at = std::max(at, *last_mutation_ + config_.mutation_spacing);
  }
  if (traits.creates_content && !config_.content_windows.empty())
    at = earliest_content_slot(at);
  if (writes_ && (traits.mutating || traits.creates_content)) at = writes_->claim(at, traits);
  if (traits.creates_content && !config_.content_windows.empty()) {
    content_times_.push_back(at);
    std::size_t keep = 0;
    for (const auto& w : config_.content_windows)
      keep = std::max(keep, static_cast<std::size_t>(std::max(w.limit, 0)));
    while (content_times_.size() > keep) content_times_.pop_front();
  }
  if (traits.mutating) last_mutation_ = std::max(last_mutation_.value_or(at), at);
  return at;
}

void api_budget::pause_until(steady_time until) {
  const steady_time now = clock_.steady_now();
  if (until <= now || until <= paused_until_) return;
  const steady_time from = std::max(now, paused_until_);
  ++counters_.pauses;
  counters_.paused_seconds += std::chrono::duration<double>(until - from).count();
  paused_until_ = until;
}

std::optional<steady_time> api_budget::paused_until() const {
  if (paused_until_ > clock_.steady_now()) return paused_until_;
  return std::nullopt;
}

void api_budget::observe_rate_headers(std::int64_t remaining, std::int64_t reset_epoch_seconds) {
  if (!config_.pace_from_headers) return;
  const auto reset_sys = epoch_seconds_time(reset_epoch_seconds);
  if (!reset_sys) return;  // a reset no clock can hold is a broken header: keep the pacing as is
  const steady_time reset = clock_.to_steady(*reset_sys);
  const steady_time now = clock_.steady_now();
  if (reset <= now || remaining >= config_.low_remaining) {
    pace_interval_ = steady_clock::duration::zero();
    last_paced_.reset();
    return;
  }
  if (remaining <= config_.reserve_remaining) {
    // Never spend the last requests: wait for the window to reset.
    pause_until(reset + 1s);
    return;
  }
  pace_interval_ = (reset - now) / (remaining - config_.reserve_remaining);
}

budget_counters api_budget::counters() {
  counters_.tokens_available = std::max(0.0, tokens_->available(clock_.steady_now()));
  return counters_;
}

}  // namespace ngsync::ratelimit
