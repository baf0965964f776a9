#pragma once
// How long until a waiting backlog is synced: the time the last job is expected to finish under
// the budgets in force, and which budget decides it. Pure arithmetic over an injected `now`, so
// `ngsync status` and /metrics show the same figure tests check.
//
// The model follows what the api_budget and the shared write schedule enforce:
// - every issue a job creates is a content-creating request, held to GitHub's sliding windows
//   (80 a minute, 500 an hour); creations already recorded in those windows count against them;
// - every job spends requests from the GitHub and Notion request rates and GitHub's spacing
//   between mutating requests (see job_cost for what one job is assumed to spend);
// - a job cannot run before its run_at (a Retry-After, a backoff).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/ratelimit/api_budget.hpp"
#include "core/ratelimit/clock.hpp"

namespace ngsync::ratelimit {

// What one sync job is assumed to spend. A page sync reads the page from Notion and writes one
// issue (create or update) on GitHub; a creation also writes the issue link back to Notion.
// These are floors: a page with comments or sub-issues spends more.
struct job_cost {
  double notion_requests = 1;
  double github_requests = 1;
  double github_mutations = 1;
};

struct backlog_budgets {
  std::vector<content_window> content_windows;  // GitHub's content-creation windows
  double github_requests_per_second = 0;        // 0: no limit
  double notion_requests_per_second = 0;        // 0: no limit
  std::chrono::milliseconds mutation_spacing{0};
  job_cost create_cost{2, 1, 1};
  job_cost update_cost{1, 1, 1};
};

struct backlog_load {
  std::int64_t creates = 0;  // waiting jobs that will create an issue
  std::int64_t others = 0;   // the other waiting jobs
  // The latest run_at among the jobs (a Retry-After or a backoff): nothing finishes before it.
  std::optional<system_time> not_before;
};

struct backlog_estimate {
  std::optional<system_time> finish;  // nullopt: nothing waiting
  // The budget that decides `finish`: "github content 500/3600s", "github content 80/60s",
  // "github mutation spacing 1000ms", "github requests 1.25/s", "notion requests 3/s",
  // "run_at" (jobs held until a Retry-After or backoff); empty when nothing waits.
  std::string binding;
};

// `recent_creations`: the content-creating requests already recorded (any order), which count
// against the windows while they are inside them.
backlog_estimate estimate_backlog(const backlog_load& load, const backlog_budgets& budgets,
                                  const std::vector<system_time>& recent_creations,
                                  system_time now);

// "2 h 03 min", "4 min", "45 s": how far `to` is after `from` for an operator (0 s when past).
std::string describe_wait(system_time from, system_time to);

}  // namespace ngsync::ratelimit
