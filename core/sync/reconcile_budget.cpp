#include "core/sync/reconcile_budget.hpp"

#include <algorithm>
#include <cmath>

namespace ngsync::sync {

reconcile_budget budget_reconcile(std::int64_t links, std::int64_t repositories,
                                  std::chrono::milliseconds interval,
                                  std::chrono::milliseconds window) {
  reconcile_budget b;
  if (interval.count() <= 0 || window.count() <= 0) return b;
  if (links > 0) {
    // ceil(links / passes that fit in the window): with whole passes only, every link is
    // verified within the window even when the interval does not divide it (then this is a
    // little more than links * interval / window). A pass longer than the window checks all.
    const auto passes = std::max<std::int64_t>(1, window / interval);
    b.links_per_pass = (links + passes - 1) / passes;
  }
  b.passes_per_hour = 3'600'000.0 / static_cast<double>(interval.count());
  b.notion_calls_per_hour = static_cast<std::int64_t>(
      std::ceil(b.passes_per_hour * static_cast<double>(b.links_per_pass)));
  b.github_calls_per_hour = static_cast<std::int64_t>(
      std::ceil(b.passes_per_hour * static_cast<double>(b.links_per_pass + repositories)));
  return b;
}

}  // namespace ngsync::sync
