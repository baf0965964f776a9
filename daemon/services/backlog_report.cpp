#include "daemon/services/backlog_report.hpp"

#include <ctime>

#include <fmt/format.h>

namespace ngsync::engine {

ratelimit::backlog_budgets backlog_budgets_of(const config::config& c) {
  ratelimit::backlog_budgets b;
  // The same windows api_stack gives the GitHub caller and the shared write schedule.
  b.content_windows = {{std::chrono::seconds(60), c.github.content_creation_per_minute},
                       {std::chrono::seconds(3600), c.github.content_creation_per_hour}};
  b.github_requests_per_second = c.github.limits.requests_per_second;
  b.notion_requests_per_second = c.notion.limits.requests_per_second;
  b.mutation_spacing = c.github.mutation_spacing;
  return b;
}

std::string describe_budgets(const ratelimit::backlog_budgets& b) {
  std::string windows;
  for (const auto& w : b.content_windows) {
    windows += fmt::format("{}{}/{}s", windows.empty() ? "" : " + ", w.limit, w.length.count());
  }
  return fmt::format(
      "github: {} creations, {:g} requests/s, {}ms between mutations; notion: {:g} requests/s",
      windows.empty() ? "unlimited" : windows, b.github_requests_per_second,
      b.mutation_spacing.count(), b.notion_requests_per_second);
}

std::vector<mapping_eta> estimate_mappings(const ratelimit::backlog_budgets& budgets,
                                           const storage::backlog_snapshot& s,
                                           ratelimit::system_time now) {
  std::vector<mapping_eta> out;
  for (const auto& m : s.mappings) {
    ratelimit::backlog_load load{m.creates_through, m.others_through, m.last_run_at};
    out.push_back({m, ratelimit::estimate_backlog(load, budgets, s.recent_creations, now)});
  }
  return out;
}

std::string backlog_metrics(const ratelimit::backlog_budgets& budgets,
                            const storage::backlog_snapshot& s, ratelimit::system_time now) {
  std::string jobs, throttled, eta;
  for (const auto& m : estimate_mappings(budgets, s, now)) {
    // Mapping names come from the configuration; escaped all the same, as the format asks.
    std::string name;
    for (char ch : m.backlog.mapping) {
      if (ch == '\n') {
        name += "\\n";
        continue;
      }
      if (ch == '"' || ch == '\\') name += '\\';
      name += ch;
    }
    const std::string label = "{mapping=\"" + name + "\"} ";
    jobs += "ngsync_backlog_jobs" + label + std::to_string(m.backlog.waiting) + "\n";
    throttled +=
        "ngsync_backlog_throttled_jobs" + label + std::to_string(m.backlog.throttled) + "\n";
    const auto seconds =
        m.estimate.finish
            ? std::max<std::int64_t>(
                  0, std::chrono::duration_cast<std::chrono::seconds>(*m.estimate.finish - now)
                         .count())
            : 0;
    eta += "ngsync_backlog_eta_seconds" + label + std::to_string(seconds) + "\n";
  }
  return "# HELP ngsync_backlog_jobs Jobs waiting, by the mapping of their page.\n"
         "# TYPE ngsync_backlog_jobs gauge\n" +
         jobs +
         "# HELP ngsync_backlog_throttled_jobs Waiting jobs a rate limit holds.\n"
         "# TYPE ngsync_backlog_throttled_jobs gauge\n" +
         throttled +
         "# HELP ngsync_backlog_eta_seconds Seconds until the mapping's last waiting job is "
         "expected to finish under the rate budgets.\n"
         "# TYPE ngsync_backlog_eta_seconds gauge\n" +
         eta;
}

std::string iso_utc(ratelimit::system_time t) {
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace ngsync::engine
