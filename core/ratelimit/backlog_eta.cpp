#include "core/ratelimit/backlog_eta.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ngsync::ratelimit {
namespace {

using seconds_d = std::chrono::duration<double>;

system_time after(system_time t, double seconds) {
  return t + std::chrono::duration_cast<system_time::duration>(seconds_d(seconds));
}

std::string rate_text(double per_second) {
  return fmt::format("{:g}/s", per_second);
}

// The shortest time one job of this cost can take on its own under the request rates and the
// mutation spacing, and the budget that sets it.
struct pace {
  double seconds = 0;
  std::string binding;
};

void consider(pace& p, double seconds, std::string binding) {
  if (seconds > p.seconds) p = {seconds, std::move(binding)};
}

// Lower bounds from the shared request budgets: `creates` and `others` jobs spend them together.
pace request_time(std::int64_t creates, std::int64_t others, const backlog_budgets& b) {
  pace p;
  const auto c = static_cast<double>(creates), o = static_cast<double>(others);
  if (b.github_requests_per_second > 0) {
    consider(p,
             (c * b.create_cost.github_requests + o * b.update_cost.github_requests) /
                 b.github_requests_per_second,
             "github requests " + rate_text(b.github_requests_per_second));
  }
  if (b.notion_requests_per_second > 0) {
    consider(p,
             (c * b.create_cost.notion_requests + o * b.update_cost.notion_requests) /
                 b.notion_requests_per_second,
             "notion requests " + rate_text(b.notion_requests_per_second));
  }
  if (b.mutation_spacing.count() > 0) {
    consider(p,
             (c * b.create_cost.github_mutations + o * b.update_cost.github_mutations) *
                 seconds_d(b.mutation_spacing).count(),
             fmt::format("github mutation spacing {}ms", b.mutation_spacing.count()));
  }
  return p;
}

struct creation_finish {
  system_time at;
  std::string binding;
};

// Places each creation at the first instant every sliding window allows (the limit-th newest
// creation has left it), no sooner than one creation's own pace after the previous one: what
// api_budget and the shared write schedule grant, creation by creation.
creation_finish last_creation(std::int64_t creates, const backlog_budgets& b,
                              std::vector<system_time> times, system_time now) {
  std::sort(times.begin(), times.end());
  const pace one = request_time(1, 0, b);
  creation_finish last{now, one.binding};
  std::optional<system_time> previous;
  times.reserve(times.size() + static_cast<std::size_t>(creates));
  for (std::int64_t i = 0; i < creates; ++i) {
    system_time at = now;
    std::string why = "now";
    if (previous) {
      const system_time paced = after(*previous, one.seconds);
      if (paced > at) at = paced, why = one.binding;
    }
    const std::size_t n = times.size();
    for (const auto& w : b.content_windows) {
      if (w.limit <= 0 || n < static_cast<std::size_t>(w.limit)) continue;
      const system_time freed = times[n - static_cast<std::size_t>(w.limit)] + w.length;
      // On a tie with the pace the window is the reason: without it the pace would have let
      // this creation out long before.
      if (freed > at || (freed == at && at > now)) {
        at = freed;
        why = fmt::format("github content {}/{}s", w.limit, w.length.count());
      }
    }
    // A recorded claim may lie ahead of the previous grant (a lease); keep the record ordered.
    if (!times.empty() && at < times.back()) at = std::max(at, times.back());
    times.push_back(at);
    previous = at;
    last = {at, why};
  }
  return last;
}

}  // namespace

backlog_estimate estimate_backlog(const backlog_load& load, const backlog_budgets& budgets,
                                  const std::vector<system_time>& recent_creations,
                                  system_time now) {
  backlog_estimate e;
  if (load.creates <= 0 && load.others <= 0) return e;
  const pace requests = request_time(load.creates, load.others, budgets);
  e.finish = after(now, requests.seconds);
  e.binding = requests.binding;
  if (load.creates > 0) {
    const auto c = last_creation(load.creates, budgets, recent_creations, now);
    // The creations' finish wins only when a window held them back beyond the shared pace.
    if (c.at > *e.finish) {
      e.finish = c.at;
      e.binding = c.binding;
    }
  }
  if (load.not_before && *load.not_before > *e.finish) {
    e.finish = load.not_before;
    e.binding = "run_at";
  }
  if (e.binding.empty()) e.binding = "none";
  return e;
}

std::string describe_wait(system_time from, system_time to) {
  const auto s = std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(to - from).count());
  if (s >= 3600) return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{} min", s / 60);
  return fmt::format("{} s", s);
}

}  // namespace ngsync::ratelimit
