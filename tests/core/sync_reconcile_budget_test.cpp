#include <doctest/doctest.h>

#include "core/sync/reconcile_budget.hpp"

using ngsync::sync::budget_reconcile;
using namespace std::chrono_literals;

TEST_CASE("a reconcile pass checks ceil(links * interval / window) links") {
  // The worked example of docs/operations.md: 5,000 links, a pass every 10 min, a 24 h window.
  auto b = budget_reconcile(5'000, 1, 10min, 24h);
  CHECK(b.links_per_pass == 35);  // 5000 * 600 / 86400 = 34.7
  CHECK(b.passes_per_hour == doctest::Approx(6.0));
  CHECK(b.notion_calls_per_hour == 210);
  CHECK(b.github_calls_per_hour == 216);  // 210 issue GETs + 6 issues-list calls

  CHECK(budget_reconcile(9, 1, 1h, 3h).links_per_pass == 3);   // a third per pass
  CHECK(budget_reconcile(10, 1, 1h, 3h).links_per_pass == 4);  // rounded up, never short
}

TEST_CASE("a reconcile slice is at least one link, at most all of them") {
  CHECK(budget_reconcile(1, 1, 10min, 24h).links_per_pass == 1);
  CHECK(budget_reconcile(3, 1, 10min, 24h).links_per_pass == 1);
  CHECK(budget_reconcile(0, 1, 10min, 24h).links_per_pass == 0);
  CHECK(budget_reconcile(0, 2, 10min, 24h).github_calls_per_hour == 12);  // the lists only
  CHECK(budget_reconcile(7, 1, 48h, 24h).links_per_pass == 7);  // interval beyond the window
  // 37 min does not divide 24 h: 38 whole passes fit, so 5000 / 38 rounded up, not 129.
  CHECK(budget_reconcile(5'000, 1, 37min, 24h).links_per_pass == 132);
  // Large counts do not overflow.
  CHECK(budget_reconcile(4'000'000'000, 1, 24h, 24h).links_per_pass == 4'000'000'000);
}

TEST_CASE("every link is due within the window: passes per window times the slice covers all") {
  for (std::int64_t links : {1, 2, 35, 999, 5'000, 123'457}) {
    for (std::chrono::minutes interval : {1min, 10min, 37min, 360min}) {
      const auto b = budget_reconcile(links, 1, interval, 24h);
      const auto passes_per_window = 24h / interval;  // whole passes that fit in the window
      CAPTURE(links);
      const auto minutes = interval.count();
      CAPTURE(minutes);
      CHECK(b.links_per_pass * passes_per_window >= links);
    }
  }
}

TEST_CASE("no interval or no window: nothing to budget") {
  CHECK(budget_reconcile(100, 1, 0ms, 24h).links_per_pass == 0);
  CHECK(budget_reconcile(100, 1, 10min, 0ms).github_calls_per_hour == 0);
}
