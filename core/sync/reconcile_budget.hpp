#pragma once
// The cost of periodic reconciliation (issue 19): a pass verifies only a slice of the links, sized
// so that every link is verified once per window, and the cost per hour is stated up front.
// Per link verified: one GitHub GET of its issue and one Notion GET of its page. Per repository
// and pass: one issues-list call for the marker scan of the issues updated since the last pass
// (one page of up to 100 issues; a busier repository takes one more call per further 100).
#include <chrono>
#include <cstdint>

namespace ngsync::sync {

struct reconcile_budget {
  std::int64_t links_per_pass = 0;
  double passes_per_hour = 0;
  std::int64_t github_calls_per_hour = 0;  // issue GETs + issues-list calls (rounded up)
  std::int64_t notion_calls_per_hour = 0;  // page GETs (rounded up)
};

// links_per_pass = ceil(links / floor(window / interval)), at least 1 when there are links: the
// passes that fit in the window verify every link, oldest verification first.
// links: links that have an issue; repositories: how many the marker scan lists. interval and
// window must be positive (a zero interval means periodic passes are off: nothing to budget).
reconcile_budget budget_reconcile(std::int64_t links, std::int64_t repositories,
                                  std::chrono::milliseconds interval,
                                  std::chrono::milliseconds window);

}  // namespace ngsync::sync
