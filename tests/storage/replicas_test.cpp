// Several replicas on one database: the leader lease and the shared request budget, each
// exercised by several connections at once on the real Postgres.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "storage/leader_lease.hpp"
#include "storage/shared_rate_budget.hpp"
#include "storage/shared_write_schedule.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

TEST_CASE("leader lease: acquire, renew, refuse a second holder, take over after expiry") {
  scratch_database sdb;
  sdb.migrate();
  auto a = sdb.connect();
  auto b = sdb.connect();
  CHECK(lease_holder(*a, "poll:ds") == "");
  CHECK(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
  CHECK_FALSE(try_hold_lease(*b, "poll:ds", "host:2:b", 600ms));
  CHECK(lease_holder(*b, "poll:ds") == "host:1:a");
  // Renewals keep it past its first expiry.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(250ms);
    CHECK(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
    CHECK_FALSE(try_hold_lease(*b, "poll:ds", "host:2:b", 600ms));
  }
  // Another name is independent.
  CHECK(try_hold_lease(*b, "reconcile", "host:2:b", 600ms));
  // The holder stops renewing (killed): after the expiry the other takes over, and the old
  // holder cannot renew any more.
  std::this_thread::sleep_for(700ms);
  CHECK(lease_holder(*a, "poll:ds") == "");
  CHECK(try_hold_lease(*b, "poll:ds", "host:2:b", 600ms));
  CHECK_FALSE(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
  CHECK(lease_holder(*a, "poll:ds") == "host:2:b");
  // A clean stop hands it over at once.
  release_lease(*b, "poll:ds", "host:2:b");
  CHECK(try_hold_lease(*b, "reconcile", "host:2:b", 600ms));
  release_lease(*a, "reconcile", "host:1:a");  // not a's: nothing happens
  CHECK(lease_holder(*a, "reconcile") == "host:2:b");
  CHECK(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
}

TEST_CASE("leader lease: replicas racing for a free or expired lease never both win") {
  scratch_database sdb;
  sdb.migrate();
  constexpr int replicas = 6;
  std::vector<std::unique_ptr<pqxx::connection>> conns;
  for (int i = 0; i < replicas; ++i) conns.push_back(sdb.connect());
  auto admin = sdb.connect();
  for (int round = 0; round < 15; ++round) {
    if (round > 0) {
      pqxx::work t(*admin);
      t.exec("UPDATE leader_leases SET expires_at = now() - interval '1 second'");
      t.commit();
    }
    std::atomic<int> ready{0};
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < replicas; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        // All start together (a thread that never starts ends the wait after 10 s).
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (ready.load() < replicas && std::chrono::steady_clock::now() < until)
          std::this_thread::yield();
        if (try_hold_lease(*conns[i], "poll:ds", "replica-" + std::to_string(i), 5s)) ++winners;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(winners.load() == 1);
  }
}

namespace {

// Sends as fast as the budget allows from `n` threads, each with its own budget on one row;
// returns every send time, sorted.
std::vector<double> greedy_senders(int n, shared_budget_settings s,
                                   std::chrono::milliseconds run_for,
                                   std::vector<shared_budget_counters>& counters) {
  std::mutex m;
  std::vector<double> sends;
  const auto start = std::chrono::steady_clock::now();
  counters.assign(n, {});
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      shared_rate_budget budget(s, std::chrono::steady_clock::now());
      for (;;) {
        const auto at = budget.reserve(std::chrono::steady_clock::now(), 1);
        if (at - start > run_for) break;
        std::this_thread::sleep_until(at);
        // The granted time, not the wake-up: the budget's arithmetic, not the OS scheduler.
        std::lock_guard lock(m);
        sends.push_back(std::chrono::duration<double>(at - start).count());
      }
      counters[i] = budget.counters();
    });
  }
  for (auto& t : threads) t.join();
  std::sort(sends.begin(), sends.end());
  return sends;
}

// The most sends in any window, less what the rate allows for the window's length.
double worst_excess(const std::vector<double>& sends, double rate) {
  double worst = 0;
  for (std::size_t i = 0; i < sends.size(); ++i) {
    for (std::size_t j = i; j < sends.size(); ++j) {
      const double count = static_cast<double>(j - i + 1);
      worst = std::max(worst, count - rate * (sends[j] - sends[i]));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("shared budget: three replicas on one row stay within rate * t + burst together") {
  scratch_database sdb;
  sdb.migrate();
  shared_budget_settings s;
  s.database_url = sdb.url();
  s.api = "github";
  s.rate_per_second = 40;
  s.burst = 10;
  s.batch = 1;  // exact accounting: every token is spent the moment it is paid for
  std::vector<shared_budget_counters> counters;
  const auto sends = greedy_senders(3, s, 1500ms, counters);
  const double excess = worst_excess(sends, s.rate_per_second);
  MESSAGE("sends=" << sends.size() << " worst burst=" << excess);
  CHECK(excess <= s.burst + 0.5);  // 0.5: clock differences between round trips
  // Three local buckets would have sent about three times as much.
  CHECK(static_cast<double>(sends.size()) <= s.burst + s.rate_per_second * 1.5 + 1);
  CHECK(static_cast<double>(sends.size()) >= 0.8 * (s.burst + s.rate_per_second * 1.5));
  for (const auto& c : counters) CHECK(c.failures == 0);
}

TEST_CASE("shared budget: batched leases save round trips and bound the excess by the batches") {
  scratch_database sdb;
  sdb.migrate();
  shared_budget_settings s;
  s.database_url = sdb.url();
  s.api = "notion";
  s.rate_per_second = 40;
  s.burst = 10;
  s.batch = 4;
  std::vector<shared_budget_counters> counters;
  const auto sends = greedy_senders(2, s, 1500ms, counters);
  const double excess = worst_excess(sends, s.rate_per_second);
  std::uint64_t leases = 0;
  for (const auto& c : counters) {
    CHECK(c.failures == 0);
    leases += c.leases;
  }
  MESSAGE("sends=" << sends.size() << " leases=" << leases << " worst burst=" << excess);
  // A replica may spend up to batch-1 leased tokens after the row refilled without them.
  CHECK(excess <= s.burst + 2 * (s.batch - 1) + 0.5);
  CHECK(static_cast<double>(sends.size()) <= s.burst + s.rate_per_second * 1.5 + 2 * s.batch);
  CHECK(leases * 3 <= sends.size());  // about one round trip per batch
}

TEST_CASE("shared budget: a pause one replica saw reaches the others") {
  scratch_database sdb;
  sdb.migrate();
  shared_budget_settings s;
  s.database_url = sdb.url();
  s.api = "github";
  shared_rate_budget a(s, std::chrono::steady_clock::now());
  shared_rate_budget b(s, std::chrono::steady_clock::now());
  CHECK_FALSE(b.share_pause(std::nullopt));
  const auto until = std::chrono::system_clock::now() + 3s;
  auto seen_by_a = a.share_pause(until);
  REQUIRE(seen_by_a);
  auto seen_by_b = b.share_pause(std::nullopt);
  REQUIRE(seen_by_b);
  CHECK(std::chrono::abs(*seen_by_b - until) < 200ms);
  // An earlier pause does not shorten it.
  auto still = b.share_pause(std::chrono::system_clock::now() + 1s);
  REQUIRE(still);
  CHECK(std::chrono::abs(*still - until) < 200ms);
  // The other API is not paused.
  s.api = "notion";
  shared_rate_budget n(s, std::chrono::steady_clock::now());
  CHECK_FALSE(n.share_pause(std::nullopt));
}

TEST_CASE("shared budget: an unreachable database falls back to a local share of the rate") {
  shared_budget_settings s;
  s.database_url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1";
  s.api = "github";
  s.rate_per_second = 30;
  s.burst = 9;
  s.fallback_share = 1.0 / 3;
  const auto t0 = std::chrono::steady_clock::now();
  shared_rate_budget budget(s, t0);
  // burst 3 at once, then 10/s.
  for (int i = 0; i < 3; ++i) CHECK(budget.reserve(t0, 1) == t0);
  const auto fourth = budget.reserve(t0, 1);
  CHECK(fourth > t0 + 90ms);
  CHECK(fourth < t0 + 110ms);
  CHECK(budget.counters().failures == 1);  // then no retry until retry_after_failure
}

namespace {

shared_write_settings write_settings(const std::string& url) {
  shared_write_settings w;
  w.database_url = url;
  w.api = "github";
  w.mutation_spacing = 200ms;
  w.content_windows = {{std::chrono::seconds(2), 3}};  // GitHub's 80/min, scaled down
  return w;
}

// Seconds after `t0` that a claim granted.
double after(std::chrono::steady_clock::time_point t0, std::chrono::steady_clock::time_point at) {
  return std::chrono::duration<double>(at - t0).count();
}

}  // namespace

TEST_CASE("shared writes: replicas and a restarted process share the content windows") {
  scratch_database sdb;
  sdb.migrate();
  const ngsync::ratelimit::request_traits create{true, true};
  std::vector<double> granted;
  double longest_round_trip = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto claim = [&](shared_write_schedule& s) {
    const auto asked = std::chrono::steady_clock::now();
    granted.push_back(after(t0, s.claim(asked, create)));
    longest_round_trip =
        std::max(longest_round_trip, after(asked, std::chrono::steady_clock::now()));
  };
  {
    // Two replicas alternate: the window holds 3 creations across both, not 3 each.
    shared_write_schedule a(write_settings(sdb.url()));
    shared_write_schedule b(write_settings(sdb.url()));
    for (int i = 0; i < 4; ++i) claim(i % 2 ? b : a);
  }
  // A process starting afresh (a restart after SIGKILL) sees the same record.
  shared_write_schedule restarted(write_settings(sdb.url()));
  claim(restarted);
  REQUIRE(granted.size() == 5);
  // Replicas map their instants onto the database clock through a round trip, so they agree
  // to within about one (a few ms; tens under TSan). Without the shared record the grants
  // below would be 0 s apart.
  const double allowance = std::max(0.01, longest_round_trip + 0.005);
  CAPTURE(longest_round_trip);
  // Mutation spacing, 200 ms apart, for the first three.
  CHECK(granted[1] - granted[0] >= 0.2 - allowance);
  CHECK(granted[2] - granted[1] >= 0.2 - allowance);
  CHECK(granted[2] < 1.5);
  // The fourth waits until the first has left the 2 s window, and so on.
  CHECK(granted[3] - granted[0] >= 2.0 - allowance);
  CHECK(granted[4] - granted[1] >= 2.0 - allowance);
  // Every claim is recorded.
  auto c = sdb.connect();
  pqxx::work t(*c);
  CHECK(t.exec1("SELECT count(*) FROM rate_claims WHERE api = 'github'")[0].as<int>() == 5);
}

TEST_CASE("shared writes: mutations that create nothing are only spaced; the local rule stands") {
  scratch_database sdb;
  sdb.migrate();
  shared_write_schedule a(write_settings(sdb.url()));
  shared_write_schedule b(write_settings(sdb.url()));
  const ngsync::ratelimit::request_traits edit{true, false};
  const auto t0 = std::chrono::steady_clock::now();
  const auto first = a.claim(t0, edit);
  const auto second = b.claim(t0, edit);
  CHECK(after(first, second) >= 0.19);
  // A later local instant wins over the shared record.
  const auto late = t0 + 5s;
  const auto granted_late = a.claim(late, edit);
  CHECK(granted_late >= late);
  CHECK(granted_late < late + 100ms);  // late by at most the round trip
  // Reads claim nothing and cost no round trip.
  CHECK(b.claim(t0, {false, false}) == t0);
  auto c = sdb.connect();
  pqxx::work t(*c);
  CHECK(t.exec1("SELECT count(*) FROM rate_claims")[0].as<int>() == 0);
}

TEST_CASE("shared writes: an unreachable database leaves the process's own rules in force") {
  auto w = write_settings("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1");
  shared_write_schedule s(w);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(s.claim(t0, {true, true}) == t0);
  CHECK(s.failures() == 1);
  CHECK(s.claim(t0, {true, true}) == t0);
  CHECK(s.failures() == 1);  // no second attempt until retry_after_failure
}

TEST_CASE("shared writes: generous windows lease several slots per round trip and still hold") {
  scratch_database sdb;
  sdb.migrate();
  auto settings = [&] {
    shared_write_settings w;
    w.database_url = sdb.url();
    w.api = "github";
    w.content_windows = {{std::chrono::seconds(1), 200}};  // 4 slots per 20 ms lease
    return w;
  };
  shared_write_schedule a(settings()), b(settings());
  const ngsync::ratelimit::request_traits create{true, true};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<double> granted;
  for (int i = 0; i < 600; ++i)
    granted.push_back(
        after(t0, ((i / 8) % 2 ? b : a).claim(std::chrono::steady_clock::now(), create)));
  std::sort(granted.begin(), granted.end());
  // No second of sends holds more than 200 across both replicas (the 10 ms allowance is the
  // replicas' view of each other through the database clock).
  for (std::size_t i = 0; i + 200 < granted.size(); ++i)
    CHECK_MESSAGE(granted[i + 200] - granted[i] >= 0.99, "window starting at grant " << i);
  // Three windows' worth: about two seconds after the first, plus at most one more window for
  // the slots a replica leased and left unused when the other took over (they stay counted).
  CHECK(granted.back() - granted.front() < 3.2);
  auto c = sdb.connect();
  pqxx::work t(*c);
  const auto r =
      t.exec1("SELECT count(*), count(DISTINCT at) FROM rate_claims WHERE api = 'github'");
  CHECK(r[0].as<int>() >= 600);      // every slot granted is recorded
  CHECK(r[1].as<int>() <= 600 / 2);  // several slots per round trip
}
