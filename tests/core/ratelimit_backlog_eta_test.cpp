// The backlog ETA with an injected clock: GitHub's content windows, the request rates, the
// creations already spent and the jobs held by a Retry-After.
#include <doctest/doctest.h>

#include "core/ratelimit/backlog_eta.hpp"

namespace rl = ngsync::ratelimit;
using namespace std::chrono_literals;

namespace {

const rl::system_time now{std::chrono::seconds(1'800'000'000)};

// The defaults of config github/notion: 80/min and 500/h, 1.25 GitHub requests/s, 3 Notion
// requests/s, 1 s between mutations.
rl::backlog_budgets github_defaults() {
  rl::backlog_budgets b;
  b.content_windows = {{60s, 80}, {3600s, 500}};
  b.github_requests_per_second = 1.25;
  b.notion_requests_per_second = 3;
  b.mutation_spacing = 1000ms;
  return b;
}

double hours_until(const rl::backlog_estimate& e) {
  REQUIRE(e.finish);
  return std::chrono::duration<double>(*e.finish - now).count() / 3600;
}

}  // namespace

TEST_CASE("1,000 creates under 500/h finish in about 2 h, ahead by the first window's burst") {
  // The windows slide: from an empty record 500 creations go out at the mutation pace (1 s),
  // then each further one waits for the creation an hour before it to leave the window. So the
  // 1,000th goes out 1 h after the 500th: 1 h + 499 s. The steady rate (1,000 / 500 per hour)
  // says 2 h; the empty first window is a head start of at most 1 h, hence the tolerance
  // [2 h - 1 h, 2 h], and the exact figure under the 1 s pace.
  const auto e = rl::estimate_backlog({1000, 0, {}}, github_defaults(), {}, now);
  const double h = hours_until(e);
  CHECK(h >= 2.0 - 1.0);
  CHECK(h <= 2.0);
  CHECK(*e.finish == now + 3600s + 499s);
  CHECK(e.binding == "github content 500/3600s");
}

TEST_CASE("2,000 creates take about 4 h: three full windows after the first 500") {
  const auto e = rl::estimate_backlog({2000, 0, {}}, github_defaults(), {}, now);
  const double h = hours_until(e);
  CHECK(h >= 4.0 - 1.0);
  CHECK(h <= 4.0);
  CHECK(*e.finish == now + 3 * 3600s + 499s);
  CHECK(e.binding == "github content 500/3600s");
}

TEST_CASE("a window already spent delays the backlog by the hour it still holds") {
  // 500 creations in the last hour, spread one every 7.2 s up to now: the first new creation
  // waits for the oldest to leave the window, and 1,000 then take the full 2 h.
  std::vector<rl::system_time> spent;
  for (int i = 0; i < 500; ++i) spent.push_back(now - 3600s + i * 7200ms + 7200ms);
  const auto e = rl::estimate_backlog({1000, 0, {}}, github_defaults(), spent, now);
  CHECK(hours_until(e) == doctest::Approx(2.0).epsilon(0.01));
  CHECK(e.binding == "github content 500/3600s");
}

TEST_CASE("the minute window binds when nothing else paces the creations") {
  auto b = github_defaults();
  b.mutation_spacing = 0ms;
  b.github_requests_per_second = 0;
  b.notion_requests_per_second = 0;
  b.content_windows = {{60s, 80}};
  // 80 at once, then 80 a minute: the 240th (index 239) goes out after two full minutes.
  const auto e = rl::estimate_backlog({240, 0, {}}, b, {}, now);
  REQUIRE(e.finish);
  CHECK(*e.finish == now + 120s);
  CHECK(e.binding == "github content 80/60s");
}

TEST_CASE("a backlog of updates only is bound by the request rate") {
  auto b = github_defaults();
  b.mutation_spacing = 0ms;
  // 1,000 updates: 1,000 GitHub requests at 1.25/s = 800 s; Notion's 1,000 at 3/s is faster.
  const auto e = rl::estimate_backlog({0, 1000, {}}, b, {}, now);
  REQUIRE(e.finish);
  CHECK(*e.finish == now + 800s);
  CHECK(e.binding == "github requests 1.25/s");
  // With GitHub's 1 s between mutations, the spacing binds instead: 1,000 s.
  const auto spaced = rl::estimate_backlog({0, 1000, {}}, github_defaults(), {}, now);
  CHECK(*spaced.finish == now + 1000s);
  CHECK(spaced.binding == "github mutation spacing 1000ms");
}

TEST_CASE("jobs held by a Retry-After finish no sooner than it") {
  const auto e = rl::estimate_backlog({0, 3, now + 30min}, github_defaults(), {}, now);
  CHECK(*e.finish == now + 30min);
  CHECK(e.binding == "run_at");
}

TEST_CASE("an empty queue has no ETA") {
  const auto e = rl::estimate_backlog({0, 0, {}}, github_defaults(), {}, now);
  CHECK_FALSE(e.finish);
  CHECK(e.binding.empty());
}

TEST_CASE("describe_wait reads as an operator would say it") {
  CHECK(rl::describe_wait(now, now + 2h + 3min + 10s) == "2 h 03 min");
  CHECK(rl::describe_wait(now, now + 4min + 59s) == "4 min");
  CHECK(rl::describe_wait(now, now + 45s) == "45 s");
  CHECK(rl::describe_wait(now, now - 5s) == "0 s");
}
